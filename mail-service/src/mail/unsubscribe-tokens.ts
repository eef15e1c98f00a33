import { hkdfSync } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { InvalidTokenError } from '@orderpulse/service-kit';

const ALGORITHM = 'HS256';
const ISSUER = 'orderpulse';
const AUDIENCE = 'orderpulse-mail-unsubscribe';
const subjectSchema = z.string().regex(/^order:[0-9a-f-]{36}$/i);

export interface UnsubscribeTokens {
  sign(orderId: string): Promise<string>;
  /** The order the token stops mails for; InvalidTokenError when it is forged, expired or not an unsubscribe token. */
  verify(token: string): Promise<{ orderId: string }>;
}

/**
 * Tokens that only unsubscribe: signed with a key derived from JWT_SECRET for this one purpose
 * (HKDF), with their own audience, so an unsubscribe link can never be used as a login or a
 * tracking token, and no access token works as an unsubscribe link.
 */
export function createUnsubscribeTokens(secret: string, ttlSeconds: number, now: () => number = Date.now): UnsubscribeTokens {
  const key = new Uint8Array(hkdfSync('sha256', secret, 'orderpulse', 'mail-unsubscribe-v1', 32));
  return {
    async sign(orderId) {
      const issuedAt = Math.floor(now() / 1000);
      return new SignJWT({})
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setSubject(`order:${orderId}`)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + ttlSeconds)
        .sign(key);
    },
    async verify(token) {
      let subject: unknown;
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [ALGORITHM],
          issuer: ISSUER,
          audience: AUDIENCE,
          requiredClaims: ['exp', 'sub'],
          currentDate: new Date(now()),
        });
        subject = payload.sub;
      } catch (err) {
        throw new InvalidTokenError(err instanceof errors.JWTExpired ? 'unsubscribe link expired' : 'unsubscribe link invalid');
      }
      const parsed = subjectSchema.safeParse(subject);
      if (!parsed.success) throw new InvalidTokenError('unsubscribe link invalid');
      return { orderId: parsed.data.slice('order:'.length).toLowerCase() };
    },
  };
}
