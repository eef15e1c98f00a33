import type { TokenClaims } from '@orderpulse/contracts';
import type { TokenService } from '@orderpulse/service-kit';
import type { ConnectRefusalReason } from './hook-types.js';

export type VerifyToken = TokenService['verify'];

export type CredentialCheck =
  { ok: true; claims: TokenClaims; expiresAtMs: number } | { ok: false; reason: ConnectRefusalReason; detail: string; claims?: TokenClaims };

/**
 * The MQTT password is a token (HS256, issuer, expiry and claims checked by `verify`) and the
 * username must name the token's role, so a client states what it means to be and a token for
 * one role cannot quietly act as another.
 */
export async function checkCredentials(username: string | undefined, password: Buffer | undefined, verify: VerifyToken): Promise<CredentialCheck> {
  if (!username || !password || password.length === 0) {
    return { ok: false, reason: 'connect_anonymous', detail: 'no username or password: anonymous clients are refused' };
  }
  let claims: TokenClaims;
  let expiresAtMs: number;
  try {
    const { exp, ...verified } = await verify(password.toString('utf8'));
    claims = verified as TokenClaims;
    expiresAtMs = exp * 1000;
  } catch (err) {
    const detail = err instanceof Error ? err.message : 'token invalid';
    return { ok: false, reason: detail === 'token expired' ? 'connect_token_expired' : 'connect_token_invalid', detail };
  }
  if (username !== claims.role) {
    return { ok: false, reason: 'connect_role_mismatch', detail: `username '${username}' is not the token's role '${claims.role}'`, claims };
  }
  return { ok: true, claims, expiresAtMs };
}
