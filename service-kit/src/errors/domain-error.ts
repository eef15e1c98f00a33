/**
 * What went wrong, in the domain's words; each entry point (HTTP, AMQP consumer, MQTT ingest)
 * maps kinds to its own answer.
 * - `invalid`: the input can never be applied as it is.
 * - `forbidden`: the caller may not do this.
 * - `not_found`: what it refers to does not exist.
 * - `conflict`: the current state does not allow it (e.g. an invalid status transition).
 * - `contended`: other writers kept changing the same thing meanwhile; trying again may work.
 * - `unavailable`: a dependency (the store) did not answer; trying again later may work.
 */
export type DomainErrorKind = 'invalid' | 'forbidden' | 'not_found' | 'conflict' | 'contended' | 'unavailable';

/** The `code` of the JSON error body when the error does not name its own. */
const DEFAULT_CODES: Record<DomainErrorKind, string> = {
  invalid: 'bad_request',
  forbidden: 'forbidden',
  not_found: 'not_found',
  conflict: 'conflict',
  contended: 'conflict',
  unavailable: 'unavailable',
};

export interface DomainErrorOptions {
  /** Machine-readable code for clients (the JSON error body's `code`); defaults by kind. */
  code?: string;
  /** Facts a client can act on (the JSON error body's `details`). */
  details?: unknown;
  /** For `unavailable`: when trying again makes sense. */
  retryAfterSeconds?: number;
}

/** An error of the domain: a kind, a code, a message that says what to do, and details. No transport in it. */
export class DomainError extends Error {
  readonly code: string;
  readonly details: unknown;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.code = options.code ?? DEFAULT_CODES[kind];
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** The error's kind when it is a DomainError, else undefined (an unexpected failure). */
export function domainErrorKindOf(err: unknown): DomainErrorKind | undefined {
  return err instanceof DomainError ? err.kind : undefined;
}
