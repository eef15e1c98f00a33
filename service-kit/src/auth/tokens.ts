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

export function createTokenService(secret: string, now: () => number = Date.now): TokenService {
  if (secret.length < 32) throw new Error('JWT_SECRET must be at least 32 characters');
  const key = new TextEncoder().encode(secret);
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
        .sign(key);
    },
    async verify(token) {
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, key, {
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
      return { ...claims.data, exp: payload.exp as number };
    },
  };
}
