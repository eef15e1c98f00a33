import type { TokenClaims } from '@orderpulse/contracts';
import { createTokenService } from '@orderpulse/service-kit';
import { createHmac } from 'node:crypto';
import { TEST_JWT_SECRET } from './personas.js';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);
/** The payload a genuine token would carry: claims plus issuer, issued-at and a valid expiry. */
const payloadOf = (claims: TokenClaims) => ({ ...claims, iss: 'orderpulse', iat: nowSeconds(), exp: nowSeconds() + 600 });

/** Tokens an attacker might present; each must be refused by a broker using TEST_JWT_SECRET. */
export const forge = {
  /** Properly signed, but it expired an hour ago. */
  expired: (claims: TokenClaims) => createTokenService(TEST_JWT_SECRET, () => Date.now() - 2 * 3_600_000).sign(claims, 3_600),

  /** Well-formed, signed with another secret. */
  wrongSecret: (claims: TokenClaims) => createTokenService('some-other-secret-0123456789-abcdefghij').sign(claims, 600),

  /** `alg: none` with an empty signature: the classic bypass. */
  algNone: (claims: TokenClaims) => Promise.resolve(`${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payloadOf(claims))}.`),

  /**
   * Assembled by hand with the right secret. HS256 is the control (accepted: the hand-made
   * path itself is sound); HS512 must be refused, as only HS256 is accepted.
   */
  handMade: (alg: 'HS256' | 'HS512', claims: TokenClaims) => {
    const signingInput = `${b64url({ alg, typ: 'JWT' })}.${b64url(payloadOf(claims))}`;
    const hash = alg === 'HS256' ? 'sha256' : 'sha512';
    return Promise.resolve(`${signingInput}.${createHmac(hash, TEST_JWT_SECRET).update(signingInput).digest('base64url')}`);
  },

  /** A genuine token whose payload was re-encoded after `edit` (with an identity edit: still genuine). */
  tampered: async (genuine: TokenClaims, edit: (payload: Record<string, unknown>) => Record<string, unknown>) => {
    const token = await createTokenService(TEST_JWT_SECRET).sign(genuine, 600);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const edited = edit(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>);
    return `${header}.${b64url(edited)}.${signature}`;
  },
};
