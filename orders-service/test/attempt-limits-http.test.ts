import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { captureLogger, deleteAmqpNamespace, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { DELIVERY_EVENTS_QUEUE } from '../src/messaging/delivery-events-consumer.js';
import type { RunningOrdersService } from '../src/service.js';
import { ADMIN, expectTooManyAttempts, failLogins, loginFrom, postFrom } from './support/attempts.js';
import { httpClient } from './support/http-client.js';
import { aNewOrder } from './support/order-factories.js';
import { amqpUrl, startServiceUnderTest } from './support/service-under-test.js';

const EMAIL = aNewOrder().customer.email;
const FIFTEEN_MINUTES = 900;

/** A real orders-service behind one trusted proxy (so X-Forwarded-For names the client), with `env` on top. */
function serviceWithLimits(label: string, env: Record<string, string> = {}) {
  const namespace = testNamespace(label);
  const logs = captureLogger('info');
  const sut = { service: undefined as unknown as RunningOrdersService, logs };
  beforeAll(async () => {
    sut.service = await startServiceUnderTest(namespace, {}, { logger: logs.logger, env: { TRUST_PROXY_HOPS: '1', ...env } });
  });
  beforeEach(() => {
    logs.lines.length = 0;
  });
  afterAll(async () => {
    await sut.service?.close();
    await deleteAmqpNamespace(amqpUrl(), namespace, [DELIVERY_EVENTS_QUEUE]);
  });
  return sut;
}

const metricValue = async (service: RunningOrdersService, labels: string) =>
  Number(new RegExp(`^attempt_limit_refusals_total\\{${labels}[^}]*\\} (\\d+)$`, 'm').exec(await service.registry.metrics())?.[1] ?? 0);

describe('orders HTTP API: login limits with the default budgets (10 per username and address, 30 per address, 100 per username)', () => {
  const sut = serviceWithLimits('orders-attempts');
  const login = (ip: string, body: unknown) => loginFrom(sut.service, ip, body);

  it('when address A has sent 10 wrong admin passwords, then its 11th attempt gets 429 with Retry-After even with the right password, and the admin from address B still logs in', async () => {
    await failLogins(sut.service, '203.0.113.1', 10);

    const refused = await login('203.0.113.1', ADMIN);

    expectTooManyAttempts(refused, 'failed logins', FIFTEEN_MINUTES);
    expect(refused.body.error.message).toMatch(/try again in 15 minutes$/);
    const fromB = await login('198.51.100.1', ADMIN);
    expect(fromB.status).toBe(200);
    expect(fromB.body.token).toEqual(expect.any(String));
    expect(await metricValue(sut.service, 'action="login",budget="pair"')).toBe(1);
  });

  it('when a login is refused for too many failures, then a warning names the address, username and budget, never the password, and the password was not compared', async () => {
    await failLogins(sut.service, '203.0.113.2', 10);
    sut.logs.lines.length = 0;
    await login('203.0.113.2', ADMIN);

    expect(sut.logs.lines.filter((line) => line.msg === 'admin login refused: too many failed logins')).toEqual([
      expect.objectContaining({ level: 40, ip: '203.0.113.2', username: 'admin', budget: 'pair', retryAfterSeconds: expect.any(Number) }),
    ]);
    expect(sut.logs.lines.some((line) => line.msg === 'admin login refused')).toBe(false);
    expect(JSON.stringify(sut.logs.lines)).not.toContain(ADMIN.password);
  });

  it('when a login succeeds, then it uses up nothing and clears the failures of that address for that username', async () => {
    for (let i = 0; i < 12; i++) expect((await login('203.0.113.3', ADMIN)).status).toBe(200);
    await failLogins(sut.service, '203.0.113.3', 9);
    expect((await login('203.0.113.3', ADMIN)).status).toBe(200);

    await failLogins(sut.service, '203.0.113.3', 10);
    expect((await login('203.0.113.3', ADMIN)).status).toBe(429);
  });

  it('when the body is malformed, then it is a 400 that does not count as a failure', async () => {
    for (let i = 0; i < 12; i++) expect((await login('203.0.113.4', { username: 'admin' })).status).toBe(400);
    expect((await login('203.0.113.4', ADMIN)).status).toBe(200);
  });
});

describe('orders HTTP API: login limits against one address spraying and many addresses guessing', () => {
  const sut = serviceWithLimits('orders-attempts-small', { LOGIN_MAX_FAILURES: '3', LOGIN_ADDRESS_MAX_FAILURES: '5', LOGIN_USERNAME_MAX_FAILURES: '6' });
  const login = (ip: string, body: unknown) => loginFrom(sut.service, ip, body);

  it('when one address sprays usernames past LOGIN_ADDRESS_MAX_FAILURES, then it is refused for every username, and other addresses are not', async () => {
    for (let i = 0; i < 5; i++) await failLogins(sut.service, '203.0.113.10', 1, `user-${i}`);

    expectTooManyAttempts(await login('203.0.113.10', { username: 'someone-new', password: 'x' }), 'failed logins', FIFTEEN_MINUTES);
    expect((await login('198.51.100.10', { username: 'someone-new', password: 'x' })).status).toBe(401);
  });

  it('when many addresses spend the admin username budget, then they are refused, a clean address gets one guess, and the admin from a clean address still logs in', async () => {
    for (let i = 0; i < 3; i++) await failLogins(sut.service, `203.0.113.${20 + i}`, 2);

    expectTooManyAttempts(await login('203.0.113.20', ADMIN), 'failed logins', 24 * 3600);
    expect(sut.logs.lines.find((line) => line.msg === 'admin login refused: too many failed logins')).toMatchObject({ budget: 'subject' });
    await failLogins(sut.service, '203.0.113.30', 1);
    expect((await login('203.0.113.30', { username: 'admin', password: 'another-guess' })).status).toBe(429);
    expect((await login('198.51.100.20', ADMIN)).status).toBe(200);
    expect((await login('198.51.100.20', ADMIN)).status).toBe(200);
    expect(await metricValue(sut.service, 'action="login",budget="subject"')).toBe(2);
  });
});

describe('orders HTTP API: a login window that ends', () => {
  const sut = serviceWithLimits('orders-attempts-window', { LOGIN_MAX_FAILURES: '2', LOGIN_WINDOW_SECONDS: '1' });

  it('when the window ends, then the right password works again from the address that was refused', async () => {
    await failLogins(sut.service, '203.0.113.40', 2);
    expectTooManyAttempts(await loginFrom(sut.service, '203.0.113.40', ADMIN), 'failed logins', 1);

    // A refused attempt counts nothing, so asking until it passes does not hold the window open.
    const res = await waitForStatus(() => loginFrom(sut.service, '203.0.113.40', ADMIN), 200);
    expect(res.body.token).toEqual(expect.any(String));
  });
});

async function waitForStatus<T extends { status: number }>(request: () => Promise<T>, status: number, timeoutMs = 5_000): Promise<T> {
  return waitFor(
    async () => {
      const res = await request();
      return res.status === status && res;
    },
    `HTTP ${status}`,
    timeoutMs,
    100,
  );
}

describe('orders HTTP API: tracking lookup limits', () => {
  const sut = serviceWithLimits('orders-lookups', {
    TRACKING_LOOKUP_MAX_FAILURES: '3',
    TRACKING_LOOKUP_ADDRESS_MAX_FAILURES: '5',
    TRACKING_LOOKUP_ORDER_MAX_FAILURES: '6',
  });
  const lookup = (ip: string, orderNumber: string, email = EMAIL) => postFrom(sut.service, ip, '/tracking/lookup', { orderNumber, email });
  const failLookups = async (ip: string, orderNumber: string, times: number) => {
    for (let i = 0; i < times; i++) expect((await lookup(ip, orderNumber, `guess-${i}@example.com`)).status).toBe(404);
  };
  const newOrder = async (): Promise<{ id: string; orderNumber: string }> => (await httpClient(sut.service.url).post('/orders', aNewOrder())).body;

  it('when an address has failed an order number past its budget, then its next lookup of it gets 429 even when it matches, while another address looks it up', async () => {
    const order = await newOrder();
    await failLookups('203.0.113.50', order.orderNumber, 3);

    expectTooManyAttempts(await lookup('203.0.113.50', order.orderNumber), 'failed lookups', FIFTEEN_MINUTES);
    const warning = sut.logs.lines.find((line) => line.msg === 'tracking lookup refused: too many failed lookups');
    expect(warning).toMatchObject({ level: 40, ip: '203.0.113.50', orderNumber: order.orderNumber, budget: 'pair' });
    expect(JSON.stringify(warning)).not.toContain('@example.com');
    expect(await lookup('198.51.100.50', order.orderNumber)).toMatchObject({ status: 200, body: { orderId: order.id, trackingToken: expect.any(String) } });
  });

  it('when an address fails for many order numbers past its address budget, then it is refused for every order', async () => {
    const [first, second] = [await newOrder(), await newOrder()];
    for (let i = 0; i < 5; i++) await failLookups('203.0.113.51', `OP-ZZZZZ${i}`, 1);

    expect((await lookup('203.0.113.51', first.orderNumber)).status).toBe(429);
    expect((await lookup('198.51.100.51', second.orderNumber)).status).toBe(200);
  });

  it("when many addresses spend an order number's budget, then they are refused, and the customer from a clean address still looks it up", async () => {
    const order = await newOrder();
    for (let i = 0; i < 3; i++) await failLookups(`203.0.113.${60 + i}`, order.orderNumber, 2);

    expect((await lookup('203.0.113.60', order.orderNumber)).status).toBe(429);
    expect(await lookup('198.51.100.60', order.orderNumber)).toMatchObject({ status: 200, body: { orderId: order.id } });
  });

  it('when lookups succeed, then they use up nothing, but they do not clear earlier failures either', async () => {
    const [mine, other] = [await newOrder(), await newOrder()];
    for (let i = 0; i < 5; i++) expect((await lookup('203.0.113.70', mine.orderNumber)).status).toBe(200);
    await failLookups('203.0.113.70', other.orderNumber, 2);
    expect((await lookup('203.0.113.70', mine.orderNumber)).status).toBe(200);
    await failLookups('203.0.113.70', `OP-YYYYYY`, 3);

    expect((await lookup('203.0.113.70', mine.orderNumber)).status).toBe(429);
  });
});

describe('orders HTTP API: client addresses without a trusted proxy (the default)', () => {
  const namespace = testNamespace('orders-attempts-noproxy');
  let service: RunningOrdersService;

  beforeAll(async () => {
    service = await startServiceUnderTest(namespace, {}, { env: { LOGIN_MAX_FAILURES: '3' } });
  });
  afterAll(async () => {
    await service?.close();
    await deleteAmqpNamespace(amqpUrl(), namespace, [DELIVERY_EVENTS_QUEUE]);
  });

  it('when a locked-out client sends another X-Forwarded-For, then it is still the same client and still refused', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await loginFrom(service, `203.0.113.${80 + i}`, { username: 'admin', password: `wrong-${i}` })).status).toBe(401);
    }

    expectTooManyAttempts(await loginFrom(service, '198.51.100.80', ADMIN), 'failed logins', FIFTEEN_MINUTES);
  });
});
