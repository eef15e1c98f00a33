import { tokenClaimsSchema, type TokenClaims } from '@orderpulse/contracts';

export type ReadClaims = TokenClaims & { exp?: number };

function base64UrlDecode(part: string): string {
  const base64 = part
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/**
 * What a token says about its bearer, read without checking the signature: the services and the
 * broker check it. A page only uses this to know which rider it is acting for, or when to ask for
 * a new token. Undefined when the token is not a JWT with valid claims.
 */
export function readTokenClaims(token: string): ReadClaims | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(base64UrlDecode(payload));
  } catch {
    return undefined;
  }
  const parsed = tokenClaimsSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const exp = (json as { exp?: unknown }).exp;
  return typeof exp === 'number' ? { ...parsed.data, exp } : parsed.data;
}

/** True when the token says it has expired (with a little slack for clock differences). */
export function isExpired(claims: { exp?: number }, nowMs: number, slackSeconds = 5): boolean {
  return claims.exp !== undefined && claims.exp + slackSeconds <= nowMs / 1000;
}
