import type { Logger } from './logger.js';

export type Closer = { name: string; close: () => Promise<unknown> };

/**
 * On SIGTERM/SIGINT: calls `close` (a service's CloserStack: stop intake first, connections
 * last), then exits 0; exits 1 if that takes longer than `timeoutMs`. Only runService calls this.
 */
export function installGracefulShutdown(logger: Logger, close: () => Promise<void>, timeoutMs = 10_000): () => Promise<void> {
  let shuttingDown: Promise<void> | undefined;
  const shutdown = (signal: string) => {
    if (shuttingDown) return shuttingDown;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown took too long; exiting anyway');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    shuttingDown = (async () => {
      await close().catch((err: Error) => logger.warn({ err: err.message }, 'error while closing'));
      logger.info('shutdown complete');
      clearTimeout(timer);
    })();
    return shuttingDown;
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM').then(() => process.exit(0)));
  process.once('SIGINT', () => void shutdown('SIGINT').then(() => process.exit(0)));
  return () => shutdown('manual');
}

/**
 * The resources a service opened, in shutdown order: each one added goes in front, so the last
 * opened (usually the HTTP server) closes first and the first opened (the store) last.
 * `closeAll` runs once however often it is called, and logs but survives a failing closer.
 */
export class CloserStack {
  private readonly stack: Closer[] = [];
  private closing: Promise<void> | undefined;

  constructor(private readonly logger: Logger) {}

  add(name: string, close: () => Promise<unknown>): void {
    this.stack.unshift({ name, close });
  }

  /** A copy, in shutdown order. */
  get closers(): Closer[] {
    return [...this.stack];
  }

  closeAll(): Promise<void> {
    this.closing ??= (async () => {
      for (const closer of this.stack.splice(0)) {
        await closer.close().catch((err: Error) => this.logger.warn({ closer: closer.name, err: err.message }, 'error while closing'));
      }
    })();
    return this.closing;
  }
}
