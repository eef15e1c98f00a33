import { SignJWT, jwtVerify, errors } from 'jose';
import { tokenClaimsSchema, type TokenClaims } from '@orderpulse/contracts';

export const DEV_JWT_SECRET = 'orderpulse-dev-secret-change-me-0123456789';
const ALGORITHM = 'HS256';
const ISSUER = 'orderpulse';

export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidTokenError';
  }
}

export interface TokenService {
  sign(claims: TokenClaims, ttlSeconds: number): Promise<string>;
  /** Checks signature (HS256 only), issuer, expiry and the claims' shape. */
  verify(token: string): Promise<TokenClaims & { exp: number }>;
}

/** Tokens already verified, remembered until they expire: an admin console or a service sends the same one on every request. */
const VERIFIED_CACHE_SIZE = 10_000;

export function createTokenService(secret: string, now: () => number = Date.now): TokenService {
  if (secret.length < 32) throw new Error('JWT_SECRET must be at least 32 characters');
  // Imported once: given raw bytes, jose would import the key through WebCrypto on every call,
  // about half the cost of checking a token.
  const key = globalThis.crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  const verified = new Map<string, TokenClaims & { exp: number }>();
  const remember = (token: string, claims: TokenClaims & { exp: number }) => {
    if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value as string);
    verified.set(token, claims);
  };
  return {
    async sign(claims, ttlSeconds) {
      const issuedAt = Math.floor(now() / 1000);
      const { sub, ...rest } = tokenClaimsSchema.parse(claims);
      return new SignJWT(rest)
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setSubject(sub)
        .setIssuer(ISSUER)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + ttlSeconds)
        .sign(await key);
    },
    async verify(token) {
      const known = verified.get(token);
      if (known) {
        if (known.exp * 1000 > now()) return structuredClone(known);
        verified.delete(token);
        throw new InvalidTokenError('token expired');
      }
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, await key, {
          algorithms: [ALGORITHM],
          issuer: ISSUER,
          requiredClaims: ['exp', 'sub'],
          currentDate: new Date(now()),
        }));
      } catch (err) {
        if (err instanceof errors.JWTExpired) throw new InvalidTokenError('token expired');
        throw new InvalidTokenError('token invalid');
      }
      const claims = tokenClaimsSchema.safeParse(payload);
      if (!claims.success) throw new InvalidTokenError('token claims invalid');
      const result = { ...claims.data, exp: payload.exp as number };
      remember(token, result);
      return structuredClone(result);
    },
  };
}
