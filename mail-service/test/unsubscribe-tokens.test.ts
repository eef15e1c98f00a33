import { describe, expect, it } from '@jest/globals';
import { createTokenService, InvalidTokenError } from '@orderpulse/service-kit';
import { createUnsubscribeTokens } from '../src/mail/unsubscribe-tokens.js';

const SECRET = 'unsubscribe-test-secret-0123456789-abcdefgh';
const ORDER_ID = '3b2f9a4e-8c1d-4f6a-9e2b-7d5c3a1f0e9b';

describe('unsubscribe tokens', () => {
  it('when a token is signed for an order, then it verifies to that order', async () => {
    const tokens = createUnsubscribeTokens(SECRET, 3600);
    expect(await tokens.verify(await tokens.sign(ORDER_ID))).toEqual({ orderId: ORDER_ID });
  });

  it('when the token has expired, then it is refused as expired', async () => {
    let now = Date.parse('2026-11-26T10:00:00Z');
    const tokens = createUnsubscribeTokens(SECRET, 60, () => now);
    const token = await tokens.sign(ORDER_ID);
    now += 61_000;
    await expect(tokens.verify(token)).rejects.toThrow(new InvalidTokenError('unsubscribe link expired'));
  });

  it('when the token was signed with another secret or changed, then it is refused', async () => {
    const token = await createUnsubscribeTokens(`${SECRET}-other`, 3600).sign(ORDER_ID);
    const tokens = createUnsubscribeTokens(SECRET, 3600);
    await expect(tokens.verify(token)).rejects.toThrow(InvalidTokenError);
    const [header, payload, signature] = (await tokens.sign(ORDER_ID)).split('.');
    // The signature's first character carries six whole bits; its last one only four, so a change
    // there could decode to the same bytes.
    const otherFirst = signature.startsWith('A') ? 'B' : 'A';
    const changed = `${header}.${payload}.${otherFirst}${signature.slice(1)}`;
    await expect(tokens.verify(changed)).rejects.toThrow(InvalidTokenError);
    await expect(tokens.verify('not-a-token')).rejects.toThrow(InvalidTokenError);
  });

  it('when a customer tracking token is used as an unsubscribe token, or the other way round, then each is refused', async () => {
    const access = createTokenService(SECRET);
    const tokens = createUnsubscribeTokens(SECRET, 3600);
    const customer = await access.sign({ role: 'customer', sub: `customer:${ORDER_ID}`, orderId: ORDER_ID }, 3600);
    await expect(tokens.verify(customer)).rejects.toThrow(InvalidTokenError);
    await expect(access.verify(await tokens.sign(ORDER_ID))).rejects.toThrow(InvalidTokenError);
  });
});
