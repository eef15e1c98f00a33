import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTokenService } from '@orderpulse/service-kit';
import { deleteAmqpNamespace, testNamespace } from '@orderpulse/service-kit/testing';
import { loadOrdersConfig } from '../src/config.js';
import type { RunningOrdersService } from '../src/service.js';
import { aNewOrder } from './support/order-factories.js';
import { httpClient } from './support/http-client.js';
import { adminToken, amqpUrl, signTestToken, startServiceUnderTest } from './support/service-under-test.js';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('orders HTTP API: who may do what', () => {
  const namespace = testNamespace('orders-auth');
  let service: RunningOrdersService;
  let orderA: { id: string; orderNumber: string; trackingToken: string };
  let orderB: { id: string; trackingToken: string };
  let tokens: Record<'none' | 'garbage' | 'expired' | 'customerA' | 'customerB' | 'rider' | 'admin', string | undefined>;

  beforeAll(async () => {
    service = await startServiceUnderTest(namespace);
    const anyone = httpClient(service.url);
    orderA = (await anyone.post('/orders', aNewOrder())).body;
    orderB = (await anyone.post('/orders', aNewOrder())).body;
    const expired = await createTokenService(loadOrdersConfig({}).JWT_SECRET, () => Date.now() - 3_600_000).sign({ role: 'admin', sub: 'old' }, 60);
    tokens = {
      none: undefined,
      garbage: 'not-a-token',
      expired,
      customerA: orderA.trackingToken,
      customerB: orderB.trackingToken,
      rider: await signTestToken({ role: 'rider', sub: 'r1', riderId: 'r1' }),
      admin: await adminToken(),
    };
  });
  afterAll(async () => {
    await service.close();
    await deleteAmqpNamespace(amqpUrl(), namespace, ['orders-service.delivery']);
  });

  type Who = keyof typeof tokens;
  const call = (who: Who, method: 'get' | 'post' | 'patch', path: string, body?: unknown) => {
    const api = httpClient(service.url, tokens[who]);
    return method === 'get' ? api.get(path) : method === 'post' ? api.post(path, body) : api.patch(path, body);
  };

  // [who, method, path, expected status]; paths use order A.
  const cases: Array<[Who, 'get' | 'post' | 'patch', () => string, number, unknown?]> = [
    ['none', 'get', () => '/orders', 401],
    ['garbage', 'get', () => '/orders', 401],
    ['expired', 'get', () => '/orders', 401],
    ['customerA', 'get', () => '/orders', 403],
    ['rider', 'get', () => '/orders', 403],
    ['admin', 'get', () => '/orders', 200],
    ['none', 'get', () => `/orders/${orderA.id}`, 401],
    ['garbage', 'get', () => `/orders/${orderA.id}`, 401],
    ['customerA', 'get', () => `/orders/${orderA.id}`, 200],
    ['customerB', 'get', () => `/orders/${orderA.id}`, 403],
    ['rider', 'get', () => `/orders/${orderA.id}`, 403],
    ['admin', 'get', () => `/orders/${orderA.id}`, 200],
    ['customerA', 'get', () => `/orders/${UNKNOWN}`, 403],
    ['admin', 'get', () => `/orders/${UNKNOWN}`, 404],
    ['none', 'patch', () => `/orders/${orderA.id}/status`, 401, { status: 'confirmed' }],
    ['expired', 'patch', () => `/orders/${orderA.id}/status`, 401, { status: 'confirmed' }],
    ['customerA', 'patch', () => `/orders/${orderA.id}/status`, 403, { status: 'confirmed' }],
    ['customerB', 'patch', () => `/orders/${orderA.id}/status`, 403, { status: 'confirmed' }],
    ['rider', 'patch', () => `/orders/${orderA.id}/status`, 403, { status: 'confirmed' }],
    ['none', 'post', () => '/orders', 201, aNewOrder()],
    ['none', 'post', () => '/tracking/lookup', 200, undefined],
  ];

  const rows = cases.map(([who, method, path, expected, body]) => ({ who, method, path, expected, body }));
  it.each(rows)('$who $method → $expected', async ({ who, method, path, expected, body }) => {
    const lookup = { orderNumber: orderA.orderNumber, email: aNewOrder().customer.email };
    const response = await call(who, method, path(), body ?? (path() === '/tracking/lookup' ? lookup : undefined));
    expect(response.status).toBe(expected);
    if (expected >= 400) expect(response.body.error.message).toEqual(expect.any(String));
  });

  it('when refused, then order A is unchanged', async () => {
    const now = await call('admin', 'get', `/orders/${orderA.id}`);
    expect(now.body).toMatchObject({ status: 'pending', version: 1 });
  });

  it('when the lookup matches, then the tracking token it returns reads that order and no other', async () => {
    const lookup = await call('none', 'post', '/tracking/lookup', { orderNumber: orderA.orderNumber, email: aNewOrder().customer.email });
    const customer = httpClient(service.url, lookup.body.trackingToken);
    expect((await customer.get(`/orders/${orderA.id}`)).status).toBe(200);
    expect((await customer.get(`/orders/${orderB.id}`)).status).toBe(403);
  });

  describe('POST /auth/login', () => {
    it('when the credentials match, then an admin token that works comes back', async () => {
      const res = await call('none', 'post', '/auth/login', { username: 'admin', password: 'change-me' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ role: 'admin', token: expect.any(String), expiresAt: expect.any(String) });
      expect((await httpClient(service.url, res.body.token).get('/orders')).status).toBe(200);
    });

    it.each([
      [{ username: 'admin', password: 'wrong-password' }, 401],
      [{ username: 'root', password: 'change-me' }, 401],
      [{ username: 'admin' }, 400],
    ])('when the body is %j, then %i', async (body, status) => {
      const res = await call('none', 'post', '/auth/login', body);
      expect(res.status).toBe(status);
      expect(res.body.token).toBeUndefined();
    });
  });

  it('when NODE_ENV=production with the default admin password or JWT secret, then the config is refused', () => {
    expect(() => loadOrdersConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) })).toThrow(/ADMIN_PASSWORD/);
    expect(() => loadOrdersConfig({ NODE_ENV: 'production', ADMIN_PASSWORD: 'a-real-password' })).toThrow(/JWT_SECRET/);
    expect(loadOrdersConfig({ NODE_ENV: 'production', ADMIN_PASSWORD: 'a-real-password', JWT_SECRET: 'x'.repeat(40) }).NODE_ENV).toBe('production');
  });
});
