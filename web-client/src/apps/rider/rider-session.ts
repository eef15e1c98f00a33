import { isExpired, readTokenClaims } from '../shared/token-claims.js';
import { readStored, takeTokenFromUrl, writeStored, type TokenSources } from '../shared/url-token.js';

export type RiderAccess = { ok: true; riderId: string; name: string | undefined; token: string } | { ok: false; problem: string };

export const RIDER_TOKEN_KEY = 'orderpulse:rider-token';

/** Which rider this page acts for, from the token the dispatcher's link carried. */
export function riderAccess(token: string | undefined, nowMs: number): RiderAccess {
  if (!token) return { ok: false, problem: 'Open the sign-in link your dispatcher sent you.' };
  const claims = readTokenClaims(token);
  if (claims?.role !== 'rider') return { ok: false, problem: 'This link is not a rider link. Ask your dispatcher for a new one.' };
  if (isExpired(claims, nowMs)) return { ok: false, problem: 'This sign-in has expired. Ask your dispatcher for a new link.' };
  return { ok: true, riderId: claims.riderId, name: claims.name, token };
}

/**
 * The rider stays signed in across reloads and a closed tab: the token from the link is kept in
 * localStorage until it expires or the rider signs out. A new link replaces it.
 */
export class RiderSession {
  constructor(
    private readonly sources: TokenSources,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Takes `?t=` from the address bar if present, else the stored token; an expired one is forgotten. */
  open(): RiderAccess {
    const access = riderAccess(takeTokenFromUrl(RIDER_TOKEN_KEY, this.sources), this.now());
    if (!access.ok && readStored(this.sources.storage, RIDER_TOKEN_KEY)) this.signOut();
    return access;
  }

  signOut(): void {
    writeStored(this.sources.storage, RIDER_TOKEN_KEY, undefined);
  }
}
