import { describe, it, expect } from '@jest/globals';
import { createTokenService, InvalidTokenError } from '../src/index.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const ORDER = '3f1c8a52-9a7e-4a31-9a55-2d6b1f1e8c11';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('token service', () => {
  const tokens = createTokenService(SECRET);

  it('when a token is signed, then it verifies with its claims and expiry', async () => {
    const token = await tokens.sign({ role: 'customer', sub: 'c1', orderId: ORDER }, 60);
    const claims = await tokens.verify(token);
    expect(claims).toMatchObject({ role: 'customer', sub: 'c1', orderId: ORDER });
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
  });

  it('when a token has expired, then it is refused as expired', async () => {
    const past = createTokenService(SECRET, () => Date.now() - 120_000);
    const token = await past.sign({ role: 'admin', sub: 'admin' }, 60);
    await expect(tokens.verify(token)).rejects.toThrow('token expired');
  });

  it('when a token verified before expires, then the remembered verdict is not used: it is refused as expired', async () => {
    let clock = Date.now();
    const tokens = createTokenService(SECRET, () => clock);
    const token = await tokens.sign({ role: 'admin', sub: 'admin' }, 60);
    const first = await tokens.verify(token);
    first.sub = 'tampered by the caller';
    expect(await tokens.verify(token)).toMatchObject({ role: 'admin', sub: 'admin' });
    clock += 61_000;
    await expect(tokens.verify(token)).rejects.toThrow('token expired');
  });

  it('when a token is signed with another secret, then it is refused', async () => {
    const other = createTokenService('another-secret-that-is-also-long-0123456789');
    await expect(tokens.verify(await other.sign({ role: 'admin', sub: 'admin' }, 60))).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('when a token says alg none, then it is refused', async () => {
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ role: 'admin', sub: 'x', iss: 'orderpulse', exp: 9999999999 })}.`;
    await expect(tokens.verify(unsigned)).rejects.toThrow('token invalid');
  });

  it('when the claims are tampered with, then the signature no longer matches', async () => {
    const token = await tokens.sign({ role: 'customer', sub: 'c1', orderId: ORDER }, 60);
    const [header, , signature] = token.split('.');
    const forged = `${header}.${b64({ role: 'admin', sub: 'c1', iss: 'orderpulse', exp: 9999999999 })}.${signature}`;
    await expect(tokens.verify(forged)).rejects.toThrow('token invalid');
  });

  it('when the secret is short, then the service refuses it', () => {
    expect(() => createTokenService('short')).toThrow(/32 characters/);
  });
});
