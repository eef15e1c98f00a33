import { isExpired, readTokenClaims } from '../shared/token-claims.js';

export type RiderAccess = { ok: true; riderId: string; token: string } | { ok: false; problem: string };

/** Which rider this page acts for, from the token the dispatcher's link carried. */
export function riderAccess(token: string | undefined, nowMs: number): RiderAccess {
  if (!token) return { ok: false, problem: 'Open the sign-in link your dispatcher sent you.' };
  const claims = readTokenClaims(token);
  if (claims?.role !== 'rider') return { ok: false, problem: 'This link is not a rider link. Ask your dispatcher for a new one.' };
  if (isExpired(claims, nowMs)) return { ok: false, problem: 'This link has expired. Ask your dispatcher for a new one.' };
  return { ok: true, riderId: claims.riderId, token };
}
