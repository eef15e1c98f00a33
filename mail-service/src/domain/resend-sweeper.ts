import type { MailDeps } from './mail-deps.js';
import { resendDueMails, type ResendSummary } from './resend-due-mails.js';

export interface ResendSweeper {
  start(): void;
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
  /** One sweep now (tests; the timer calls the same). */
  sweep(): Promise<ResendSummary>;
}

/** Every `intervalMs`, up to `batch` due mails are tried again; sweeps never overlap. */
export function createResendSweeper(deps: MailDeps, options: { intervalMs: number; batch: number }): ResendSweeper {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<ResendSummary> | undefined;
  const sweep = () => {
    running ??= resendDueMails(deps, options.batch).finally(() => {
      running = undefined;
    });
    return running;
  };
  const tick = () => {
    sweep().catch((err: Error) => deps.logger.warn({ err: err.message }, 'resending pending mails failed; trying again at the next sweep (is the store up?)'));
  };
  return {
    start() {
      if (timer) return;
      timer = setInterval(tick, options.intervalMs);
      timer.unref();
      tick();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
    sweep,
  };
}
