import type { Refusal } from '../refusals/refuse.js';
import { isExpired, type Session } from './sessions.js';

export type { Refusal, RefuseFn } from '../refusals/refuse.js';

export function whoOf(session: Session | undefined): Refusal['who'] {
  return session ? { role: session.claims.role, sub: session.claims.sub } : undefined;
}

/**
 * The refusal fields for a session whose token has expired while its expiry timer has not
 * closed the connection yet (a timer can fire late); undefined while the session is valid.
 */
export function expiredSessionRefusal(session: Session | undefined): Pick<Refusal, 'detail' | 'context'> | undefined {
  if (!session || !isExpired(session)) return undefined;
  return { detail: 'token expired while connected', context: { expiresAt: new Date(session.expiresAtMs).toISOString() } };
}
