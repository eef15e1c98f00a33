import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { captureLogger, deleteAmqpNamespace, testNamespace, type JsonResponse } from '@orderpulse/service-kit/testing';
import { DELIVERY_EVENTS_QUEUE } from '../src/messaging/delivery-events-consumer.js';
import type { RunningOrdersService } from '../src/service.js';
import { httpClient } from './support/http-client.js';
import { aNewOrder } from './support/order-factories.js';
import { adjustableClock, amqpUrl, startServiceUnderTest } from './support/service-under-test.js';

const MAX_FAILURES = 3;
const WINDOW_SECONDS = 900;
const ADMIN = { username: 'admin', password: 'change-me' };
const EMAIL = aNewOrder().customer.email;

/** POSTs JSON as if from `clientIp`, which the service believes only when it trusts one proxy hop. */
async function postFrom(service: RunningOrdersService, clientIp: string, path: string, body: unknown): Promise<JsonResponse> {
  const response = await fetch(`${service.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': clientIp },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

function expectTooManyAttempts(response: JsonResponse, what: 'failed logins' | 'failed lookups', maxWaitSeconds = WINDOW_SECONDS) {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(maxWaitSeconds);
  expect(response.body).toEqual({
    error: { code: 'too_many_attempts', message: expect.stringMatching(new RegExp(`^too many ${what}; try again in \\d+ (seconds|minutes)$`)), details: { retryAfterSeconds: retryAfter } },
  });
  expect(response.body.token).toBeUndefined();
  expect(response.body.trackingToken).toBeUndefined();
}

describe('orders HTTP API: brute-force limits on login and tracking lookup', () => {
  const namespace = testNamespace('orders-attempts');
  const time = adjustableClock();
  const logs = captureLogger('info');
  let service: RunningOrdersService;
  let orderA: { id: string; orderNumber: string };
  let orderB: { id: string; orderNumber: string };

  beforeAll(async () => {
    service = await startServiceUnderTest(
      namespace,
      { clock: time.clock },
      {
        logger: logs.logger,
        env: {
          LOGIN_MAX_FAILURES: String(MAX_FAILURES),
          LOGIN_WINDOW_SECONDS: String(WINDOW_SECONDS),
          TRACKING_LOOKUP_MAX_FAILURES: String(MAX_FAILURES),
          TRACKING_LOOKUP_WINDOW_SECONDS: String(WINDOW_SECONDS),
          TRUST_PROXY_HOPS: '1',
        },
      },
    );
    const anyone = httpClient(service.url);
    orderA = (await anyone.post('/orders', aNewOrder())).body;
    orderB = (await anyone.post('/orders', aNewOrder())).body;
  });
  beforeEach(() => {
    // Every window from an earlier test has ended: each test starts with every budget unused.
    time.advance(WINDOW_SECONDS * 1000);
    logs.lines.length = 0;
  });
  afterAll(async () => {
    await service?.close();
    await deleteAmqpNamespace(amqpUrl(), namespace, [DELIVERY_EVENTS_QUEUE]);
  });

  const login = (ip: string, body: unknown) => postFrom(service, ip, '/auth/login', body);
  const lookup = (ip: string, orderNumber: string, email = EMAIL) => postFrom(service, ip, '/tracking/lookup', { orderNumber, email });

  async function failLogins(ip: string, username = ADMIN.username, times = MAX_FAILURES) {
    for (let i = 0; i < times; i++) {
      expect((await login(ip, { username, password: `wrong-${i}` })).status).toBe(401);
    }
  }

  async function failLookups(ip: string, orderNumber: string, times = MAX_FAILURES) {
    for (let i = 0; i < times; i++) {
      expect((await lookup(ip, orderNumber, `guess-${i}@example.com`)).status).toBe(404);
    }
  }

  describe('POST /auth/login', () => {
    it('when a client has failed the budget, then its next login is refused with 429 and Retry-After even with the right password', async () => {
      await failLogins('203.0.113.1');

      const refused = await login('203.0.113.1', ADMIN);

      expectTooManyAttempts(refused, 'failed logins');
      expect(refused.body.error.message).toMatch(/try again in 15 minutes$/);
    });

    it('when a login is refused for too many failures, then a warning names the address and username but never the password', async () => {
      await failLogins('203.0.113.2');
      await login('203.0.113.2', ADMIN);

      const warning = logs.lines.find((line) => line.msg === 'admin login refused: too many failed logins');
      expect(warning).toMatchObject({ level: 40, ip: '203.0.113.2', username: 'admin', retryAfterSeconds: expect.any(Number) });
      const everything = JSON.stringify(logs.lines);
      expect(everything).not.toContain(ADMIN.password);
      expect(everything).not.toContain('wrong-0');
    });

    it('when one address and username are locked out, then another address with another username is not', async () => {
      await failLogins('203.0.113.3', 'mallory');
      expect((await login('203.0.113.3', ADMIN)).status).toBe(429);

      expect((await login('198.51.100.3', ADMIN)).status).toBe(200);
      expect((await login('198.51.100.3', { username: 'mallory', password: 'x' })).status).toBe(429);
    });

    it('when one username fails from many addresses, then that username is locked out from every address', async () => {
      for (let i = 0; i < MAX_FAILURES; i++) await failLogins(`203.0.113.${10 + i}`, ADMIN.username, 1);

      expectTooManyAttempts(await login('198.51.100.4', ADMIN), 'failed logins');
      expect((await login('198.51.100.4', { username: 'someone-else', password: 'x' })).status).toBe(401);
    });

    it('when the window ends, then the right password works again; before it ends, Retry-After counts down', async () => {
      await failLogins('203.0.113.5');
      time.advance(600_000);
      const stillLocked = await login('203.0.113.5', ADMIN);
      expectTooManyAttempts(stillLocked, 'failed logins', WINDOW_SECONDS - 600);

      time.advance((WINDOW_SECONDS - 600) * 1000);

      const res = await login('203.0.113.5', ADMIN);
      expect(res.status).toBe(200);
      expect(res.body.token).toEqual(expect.any(String));
    });

    it('when logins succeed, then they use up nothing, and a success clears the failures before it', async () => {
      for (let i = 0; i < MAX_FAILURES + 2; i++) expect((await login('203.0.113.6', ADMIN)).status).toBe(200);
      await failLogins('203.0.113.6', ADMIN.username, MAX_FAILURES - 1);
      expect((await login('203.0.113.6', ADMIN)).status).toBe(200);

      await failLogins('203.0.113.6', ADMIN.username, MAX_FAILURES);
      expect((await login('203.0.113.6', ADMIN)).status).toBe(429);
    });

    it('when the body is malformed, then it is a 400 that does not count as a failure', async () => {
      for (let i = 0; i < MAX_FAILURES + 2; i++) expect((await login('203.0.113.7', { username: 'admin' })).status).toBe(400);
      expect((await login('203.0.113.7', ADMIN)).status).toBe(200);
    });
  });

  describe('POST /tracking/lookup', () => {
    it('when a client has failed the budget, then its next lookup is refused with 429 and Retry-After even when it matches', async () => {
      await failLookups('203.0.113.21', orderA.orderNumber);

      const refused = await lookup('203.0.113.21', orderA.orderNumber);

      expectTooManyAttempts(refused, 'failed lookups');
      const warning = logs.lines.find((line) => line.msg === 'tracking lookup refused: too many failed lookups');
      expect(warning).toMatchObject({ level: 40, ip: '203.0.113.21', orderNumber: orderA.orderNumber });
      expect(JSON.stringify(warning)).not.toContain('@example.com');
    });

    it('when an address is locked out, then it is refused for every order, while other addresses still look up other orders', async () => {
      await failLookups('203.0.113.22', orderA.orderNumber);

      expect((await lookup('203.0.113.22', orderB.orderNumber)).status).toBe(429);
      const other = await lookup('198.51.100.22', orderB.orderNumber);
      expect(other.status).toBe(200);
      expect(other.body).toMatchObject({ orderId: orderB.id, trackingToken: expect.any(String) });
    });

    it('when one order number fails from many addresses, then lookups of that order are refused from every address', async () => {
      for (let i = 0; i < MAX_FAILURES; i++) await failLookups(`203.0.113.${30 + i}`, orderA.orderNumber, 1);

      expectTooManyAttempts(await lookup('198.51.100.23', orderA.orderNumber), 'failed lookups');
      expect((await lookup('198.51.100.23', orderB.orderNumber)).status).toBe(200);
    });

    it('when the window ends, then the lookup works again', async () => {
      await failLookups('203.0.113.24', orderA.orderNumber);
      expect((await lookup('203.0.113.24', orderA.orderNumber)).status).toBe(429);

      time.advance(WINDOW_SECONDS * 1000);

      const res = await lookup('203.0.113.24', orderA.orderNumber);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ orderId: orderA.id, trackingToken: expect.any(String) });
    });

    it('when lookups succeed, then they use up nothing, but they do not clear earlier failures either', async () => {
      for (let i = 0; i < MAX_FAILURES + 2; i++) expect((await lookup('203.0.113.25', orderA.orderNumber)).status).toBe(200);
      await failLookups('203.0.113.25', orderB.orderNumber, MAX_FAILURES - 1);
      expect((await lookup('203.0.113.25', orderA.orderNumber)).status).toBe(200);

      await failLookups('203.0.113.25', orderB.orderNumber, 1);

      expect((await lookup('203.0.113.25', orderA.orderNumber)).status).toBe(429);
    });
  });
});

describe('orders HTTP API: client addresses without a trusted proxy (the default)', () => {
  const namespace = testNamespace('orders-attempts-noproxy');
  let service: RunningOrdersService;

  beforeAll(async () => {
    service = await startServiceUnderTest(namespace, {}, { env: { LOGIN_MAX_FAILURES: String(MAX_FAILURES) } });
  });
  afterAll(async () => {
    await service?.close();
    await deleteAmqpNamespace(amqpUrl(), namespace, [DELIVERY_EVENTS_QUEUE]);
  });

  it('when a locked-out client sends another X-Forwarded-For, then it is still the same client and still refused', async () => {
    for (let i = 0; i < MAX_FAILURES; i++) {
      const res = await postFrom(service, `203.0.113.${40 + i}`, '/auth/login', { username: 'mallory', password: `wrong-${i}` });
      expect(res.status).toBe(401);
    }

    const res = await postFrom(service, '198.51.100.40', '/auth/login', ADMIN);

    expectTooManyAttempts(res, 'failed logins');
  });
});
