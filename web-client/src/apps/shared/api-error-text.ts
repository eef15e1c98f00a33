import { ApiError } from './api-client.js';
import { statusLabel } from './status-labels.js';

interface ConflictDetails {
  from: string;
  to: string;
  allowed: string[];
}

function conflictDetails(details: unknown): ConflictDetails | undefined {
  const d = details as Partial<ConflictDetails> | null | undefined;
  if (typeof d?.from !== 'string' || typeof d.to !== 'string' || !Array.isArray(d.allowed)) return undefined;
  return { from: d.from, to: d.to, allowed: d.allowed.filter((s): s is string => typeof s === 'string') };
}

function fieldProblems(details: unknown): string[] {
  const fields = (details as { fields?: unknown } | null | undefined)?.fields;
  if (!Array.isArray(fields)) return [];
  return fields
    .map((f: { field?: unknown; message?: unknown }) =>
      typeof f?.message === 'string' ? `${typeof f.field === 'string' ? `${f.field}: ` : ''}${f.message}` : undefined,
    )
    .filter((s): s is string => s !== undefined);
}

/** One sentence a person can act on, for any failure of an API call. */
export function describeApiError(err: unknown): string {
  if (!(err instanceof ApiError)) return `Something went wrong: ${(err as Error)?.message ?? String(err)}`;
  if (err.status === 0) return 'The server cannot be reached. Check the connection and try again.';
  if (err.status === 409) {
    const conflict = conflictDetails(err.details);
    if (!conflict) return `Refused: ${err.message}`;
    const allowed = conflict.allowed.length
      ? `Allowed next: ${conflict.allowed.map(statusLabel).join(', ')}.`
      : `“${statusLabel(conflict.from)}” is final; nothing can follow it.`;
    return `Refused: the status cannot change from “${statusLabel(conflict.from)}” to “${statusLabel(conflict.to)}”. ${allowed}`;
  }
  if (err.status === 400) {
    const problems = fieldProblems(err.details);
    return problems.length ? `Please correct: ${problems.join('; ')}.` : `The request was not accepted: ${err.message}`;
  }
  if (err.status === 401) return 'Not signed in, or the session has expired. Sign in again.';
  if (err.status === 403) return 'This account is not allowed to do that.';
  if (err.status === 404) return `Not found: ${err.message}`;
  return `${err.message} (HTTP ${err.status})`;
}
