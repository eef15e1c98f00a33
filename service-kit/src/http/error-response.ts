import { DomainError, type DomainErrorKind } from '../errors/domain-error.js';
import { HttpError } from './errors.js';

/** The HTTP status each kind of domain error is answered with. */
export const HTTP_STATUS_BY_KIND: Record<DomainErrorKind, number> = {
  invalid: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  contended: 409,
  unavailable: 503,
};

export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: { error: { code: string; message: string; details?: unknown } };
}

/**
 * The answer to a domain error (status by kind; Retry-After when an `unavailable` one says when)
 * or to an HttpError (its own status and headers); undefined for anything else.
 */
export function errorResponseOf(err: unknown): ErrorResponse | undefined {
  if (err instanceof DomainError) {
    const headers: Record<string, string> =
      err.kind === 'unavailable' && err.retryAfterSeconds !== undefined ? { 'Retry-After': String(err.retryAfterSeconds) } : {};
    return { status: HTTP_STATUS_BY_KIND[err.kind], headers, body: jsonError(err.code, err.message, err.details) };
  }
  if (err instanceof HttpError) return { status: err.status, headers: err.headers ?? {}, body: jsonError(err.code, err.message, err.details) };
  return undefined;
}

function jsonError(code: string, message: string, details: unknown): ErrorResponse['body'] {
  return { error: { code, message, ...(details ? { details } : {}) } };
}
