import { DomainError, type DomainErrorKind } from '../errors/domain-error.js';

/**
 * Thrown by a handler for a message that is valid but can never be applied (e.g. it refers to
 * something this service will never know): the message goes to the dead-letter queue with this
 * reason instead of being redelivered forever.
 */
export class UnprocessableMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnprocessableMessageError';
  }
}

/**
 * Thrown by a handler whose dependency said when to come back (e.g. a circuit breaker that is
 * open): the message is requeued after `retryAfterMs` (at most MAX_RETRY_AFTER_MS) instead of the
 * consumer's usual delay, so a dependency that is down is not asked again before it may answer.
 */
export class RetryLaterError extends Error {
  readonly retryAfterMs: number;

  constructor(message: string, retryAfterMs: number) {
    super(message);
    this.name = 'RetryLaterError';
    this.retryAfterMs = Math.max(0, retryAfterMs);
  }
}

/** The longest a requeue waits for a RetryLaterError: the message holds a prefetch slot meanwhile. */
export const MAX_RETRY_AFTER_MS = 30_000;

export type Settlement = {
  how: 'ack' | 'dead-letter' | 'requeue';
  reason: string;
  /** For a requeue asked for by a RetryLaterError: the delay before it, instead of the consumer's. */
  retryAfterMs?: number;
};

/**
 * What a consumer does with a valid message whose handler threw, by the error's kind:
 * - `conflict`: ack. The state no longer allows what the event asks (it is older than the state);
 *   a redelivery would get the same answer, and a dead-letter queue full of stale events hides
 *   real problems. Logged.
 * - `invalid`, `forbidden`, `not_found`, and UnprocessableMessageError: dead-letter, with the reason.
 * - `contended`, `unavailable`, and any error that is not a DomainError: requeue (after a delay).
 * - RetryLaterError: requeue after the delay it names.
 */
export const SETTLEMENT_BY_KIND: Record<DomainErrorKind, Settlement['how']> = {
  conflict: 'ack',
  invalid: 'dead-letter',
  forbidden: 'dead-letter',
  not_found: 'dead-letter',
  contended: 'requeue',
  unavailable: 'requeue',
};

export function settlementOf(err: unknown): Settlement {
  if (err instanceof UnprocessableMessageError) return { how: 'dead-letter', reason: `unprocessable: ${err.message}` };
  if (err instanceof RetryLaterError) return { how: 'requeue', reason: err.message, retryAfterMs: Math.min(err.retryAfterMs, MAX_RETRY_AFTER_MS) };
  if (err instanceof DomainError) return { how: SETTLEMENT_BY_KIND[err.kind], reason: `${err.kind}: ${err.message}` };
  return { how: 'requeue', reason: err instanceof Error ? err.message : String(err) };
}
