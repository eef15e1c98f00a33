import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import Router from '@koa/router';
import {
  ForbiddenError,
  authenticate,
  createHttpApp,
  createLogger,
  createMetricsRegistry,
  createTokenService,
  listen,
  mayReadOrder,
  requireRole,
  type RunningServer,
} from '../src/index.js';

const ORDER_A = '3f1c8a52-9a7e-4a31-9a55-2d6b1f1e8c11';
const ORDER_B = '9a1c8a52-9a7e-4a31-9a55-2d6b1f1e8c22';

describe('bearer auth for routes', () => {
  const tokens = createTokenService('a-test-secret-that-is-long-enough-0123456789');
  let server: RunningServer;

  beforeAll(async () => {
    const app = createHttpApp({ logger: createLogger('test', 'silent'), registry: createMetricsRegistry('test'), readiness: () => ({}) });
    const router = new Router();
    router.get('/admin-only', requireRole(tokens, 'admin'), (ctx) => {
      ctx.body = { ok: true };
    });
    router.get('/orders/:id', async (ctx) => {
      const claims = await authenticate(ctx, tokens);
      if (!mayReadOrder(claims, ctx.params.id as string)) throw new ForbiddenError('not your order');
      ctx.body = { id: ctx.params.id };
    });
    app.use(router.routes());
    server = await listen(app, 0);
  });
  afterAll(() => server.close());

  const get = async (path: string, token?: string) => {
    const res = await fetch(`${server.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, body: (await res.json()) as { error?: { message: string } } };
  };

  it('when no token is sent, then 401 says how to send one', async () => {
    const res = await get('/admin-only');
    expect(res.status).toBe(401);
    expect(res.body.error?.message).toMatch(/Bearer/);
  });

  it('when the token is garbage or expired, then 401', async () => {
    expect((await get('/admin-only', 'not.a.token')).status).toBe(401);
    const expired = await createTokenService('a-test-secret-that-is-long-enough-0123456789', () => Date.now() - 7_200_000).sign(
      { role: 'admin', sub: 'a' },
      60,
    );
    const res = await get('/admin-only', expired);
    expect(res.status).toBe(401);
    expect(res.body.error?.message).toMatch(/expired/);
  });

  it('when the role is wrong, then 403 names the role needed', async () => {
    const customer = await tokens.sign({ role: 'customer', sub: 'c', orderId: ORDER_A }, 60);
    const res = await get('/admin-only', customer);
    expect(res.status).toBe(403);
    expect(res.body.error?.message).toMatch(/admin/);
    expect((await get('/admin-only', await tokens.sign({ role: 'admin', sub: 'a' }, 60))).status).toBe(200);
  });

  it("when a customer reads another customer's order, then 403; its own, 200", async () => {
    const customer = await tokens.sign({ role: 'customer', sub: 'c', orderId: ORDER_A }, 60);
    expect((await get(`/orders/${ORDER_A}`, customer)).status).toBe(200);
    expect((await get(`/orders/${ORDER_B}`, customer)).status).toBe(403);
  });
});
