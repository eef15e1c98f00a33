import { describe, it, expect } from '@jest/globals';
import { checkCredentials } from '../src/auth/credentials.js';
import { scopedClientId } from '../src/auth/client-id.js';
import { forge } from './helpers/forged-tokens.js';
import { CLAIMS, IDS, testTokens } from './helpers/personas.js';

const verify = testTokens().verify;
const check = (username: string | undefined, password: string | undefined) =>
  checkCredentials(username, password === undefined ? undefined : Buffer.from(password), verify);

describe('checking CONNECT credentials', () => {
  it("when the username is the role of a valid token, then the claims come back without exp, and the token's expiry in ms beside them", async () => {
    const token = await testTokens().sign(CLAIMS.riderX, 60);
    const { exp } = await verify(token);
    expect(await check('rider', token)).toEqual({ ok: true, claims: CLAIMS.riderX, expiresAtMs: exp * 1000 });
  });

  it.each([
    ['no username or password', undefined, undefined],
    ['a username only', 'customer', undefined],
    ['an empty password', 'customer', ''],
  ])('when a client sends %s, then it is refused as anonymous', async (_what, username, password) => {
    expect(await check(username, password)).toMatchObject({ ok: false, reason: 'connect_anonymous' });
  });

  it('when the token expired, then it is refused as expired', async () => {
    expect(await check('customer', await forge.expired(CLAIMS.customerA))).toMatchObject({ ok: false, reason: 'connect_token_expired' });
  });

  it.each([
    ['signed with another secret', () => forge.wrongSecret(CLAIMS.customerA)],
    ['alg none', () => forge.algNone(CLAIMS.customerA)],
    ['HS512', () => forge.handMade('HS512', CLAIMS.customerA)],
    ["edited to another customer's order", () => forge.tampered(CLAIMS.customerA, (p) => ({ ...p, orderId: IDS.orderB }))],
    ['edited to the admin role', () => forge.tampered(CLAIMS.customerA, (p) => ({ ...p, role: 'admin' }))],
    ['not a JWT at all', () => Promise.resolve('hunter2')],
  ])('when the token is %s, then it is refused as invalid', async (_what, token) => {
    expect(await check('customer', await token())).toMatchObject({ ok: false, reason: 'connect_token_invalid' });
  });

  it('when tokens are hand-made with HS256 or re-encoded unchanged, then they pass (the forgeries above fail for their flaw alone)', async () => {
    expect(await check('customer', await forge.handMade('HS256', CLAIMS.customerA))).toMatchObject({ ok: true });
    expect(await check('customer', await forge.tampered(CLAIMS.customerA, (p) => p))).toMatchObject({ ok: true });
  });

  it('when a customer token comes with the username rider, then it is refused as a role mismatch naming the real role', async () => {
    const token = await testTokens().sign(CLAIMS.customerA, 60);
    expect(await check('rider', token)).toEqual({
      ok: false,
      reason: 'connect_role_mismatch',
      detail: "username 'rider' is not the token's role 'customer'",
      claims: CLAIMS.customerA,
    });
  });
});

describe('scoping client ids by subject', () => {
  it('when two subjects pick the same client id, then their scoped ids differ; one subject keeps one id', () => {
    expect(scopedClientId(CLAIMS.customerA, 'tab-1')).not.toBe(scopedClientId(CLAIMS.customerB, 'tab-1'));
    expect(scopedClientId(CLAIMS.customerA, 'tab-1')).toBe(scopedClientId({ ...CLAIMS.customerA }, 'tab-1'));
  });

  it('when a subject contains the separator, then it cannot be made to collide with another subject', () => {
    const one = scopedClientId({ role: 'admin', sub: 'a:b' }, 'c');
    const other = scopedClientId({ role: 'admin', sub: 'a' }, 'b:c');
    expect(one).not.toBe(other);
  });
});
