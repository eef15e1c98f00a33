import type { Logger } from '@orderpulse/service-kit';
import type { MailStore } from '../data-access/mail-store.js';
import type { MailLinks } from '../mail/mail-links.js';
import type { MailTransport } from '../mail/mail-transport.js';
import type { MailMetrics } from '../metrics.js';

export interface RetryPolicy {
  /** A pending mail is tried again this long after its last attempt; the wait doubles after each failure. */
  resendAfterMs: number;
  /** Attempts before a mail is given up. */
  maxAttempts: number;
}

/** What the use cases need; service.ts builds it, tests pass their own. */
export interface MailDeps {
  store: MailStore;
  transport: MailTransport;
  links: MailLinks;
  metrics: MailMetrics;
  retry: RetryPolicy;
  clock: () => Date;
  logger: Logger;
}

/** The longest wait between two attempts, however many failed. */
const MAX_BACKOFF_MS = 6 * 3600_000;

/** When to try again after `attempts` failed attempts: resendAfterMs, then twice that, and so on. */
export function nextAttemptAt(retry: RetryPolicy, attempts: number, now: Date): string {
  const wait = Math.min(retry.resendAfterMs * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS);
  return new Date(now.getTime() + wait).toISOString();
}
