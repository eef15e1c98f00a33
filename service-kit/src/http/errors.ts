/**
 * Errors of the HTTP layer itself (request validation, authentication, attempt limits) carry their
 * status; the error middleware turns them into JSON once. The domain throws DomainErrors instead.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Response headers that belong to the error, e.g. Retry-After on a 429. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface FieldProblem {
  field: string;
  message: string;
}

export class BadRequestError extends HttpError {
  constructor(
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(400, 'bad_request', message, fields.length ? { fields } : undefined);
  }
}
export class UnauthorizedError extends HttpError {
  constructor(message = 'a valid bearer token is required') {
    super(401, 'unauthorized', message);
  }
}
export class ForbiddenError extends HttpError {
  constructor(message = 'this token may not do that') {
    super(403, 'forbidden', message);
  }
}
