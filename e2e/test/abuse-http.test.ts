import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { redisTarget, waitFor } from '@orderpulse/service-kit/testing';
import { itIfAvailable } from '@orderpulse/service-kit/testing/suites';
import { floodJsonBody, limitsBroken, openSlowHeaders, requestFrom, startAbuseSystem, type AbuseSystem } from '../src/abuse/index.js';

const MIB = 1024 * 1024;
/** Where the real admin and the real customer come from: no attacker uses it. */
const OWNER_ADDRESS = '127.0.1.1';
const ADMIN_PASSWORD = 'change-me';

/**
 * Strangers against the services' public HTTP ports (logins, lookups, /metrics, slow and large
 * requests), measured as in abuse.test.ts. orders-service counts failed logins and lookups in
 * Redis when one answers, as several instances in production do.
 */
describe('when strangers attack the HTTP APIs, then every limit holds and a customer is still served', () => {
  const redis = redisTarget();
  let abuse: AbuseSystem;
  /** Failed logins for `admin` so far: each counts against its budget of 100 a day. */
  let adminFailures = 0;
  const login = (address: string, password: string, url = abuse.system.urls.orders) =>
    requestFrom(address, `${url}/auth/login`, { method: 'POST', body: { username: 'admin', password } });
  const linesSaying = (mark: number, text: string) => abuse.log.since(mark, 'orders').text.filter((l) => l.includes(text)).length;

  beforeAll(async () => {
    abuse = await startAbuseSystem({ amqpUrl: process.env.AMQP_URL as string, label: 'abuse-http', ...('url' in redis && { redisUrl: redis.url }) });
  }, 60_000);
  afterAll(async () => abuse?.stop());

  it('when an address sends 12 wrong admin passwords and keeps trying, then it gets 429 and the real admin still logs in from elsewhere', async () => {
    const statuses: number[] = [];
    let rightFromAttacker = 0;
    const row = await abuse.run.attack('one address sends wrong admin passwords, then the right one, and keeps guessing', async (ctx) => {
      const mark = abuse.log.mark();
      for (let i = 0; i < 12; i += 1) statuses.push((await login(ctx.address, `guess-${i}`)).status);
      rightFromAttacker = (await login(ctx.address, ADMIN_PASSWORD)).status;
      // Refused guesses count for nothing, so it may keep going as long as it likes.
      while (ctx.bystanderDriving()) statuses.push((await login(ctx.address, `guess-${statuses.length}`)).status);
      const refused = statuses.length + 1;
      await waitFor(
        () => linesSaying(mark, 'too many failed logins') === refused - 10 && linesSaying(mark, '"admin login refused"') === 10,
        'the refusal lines',
      );
      return {
        figures: `${refused} logins from 1 address`,
        limit: '10 failed logins per username and address in 15 min, then 429 before the password is compared',
        refused,
        logOf: ['orders'],
      };
    });
    expect(statuses).toEqual([...Array(10).fill(401), ...Array(statuses.length - 10).fill(429)]);
    adminFailures += 10;
    expect(rightFromAttacker).toBe(429);
    expect((await login(OWNER_ADDRESS, ADMIN_PASSWORD)).status).toBe(200);
    abuse.record(row);
    expect(limitsBroken(row)).toEqual([]);
  });

  itIfAvailable(
    'when wrong admin passwords alternate between two orders-service instances, then they share one budget through Redis',
    'skipReason' in redis ? redis.skipReason : undefined,
    async () => {
      // Its own journal directory: one process per directory (the login counts are what is shared).
      const second = await abuse.system.addInstance('orders', 'orders-b', { DATA_DIR: mkdtempSync(join(tmpdir(), 'orderpulse-abuse-b-')) });
      const statuses: number[] = [];
      try {
        const row = await abuse.run.attack('wrong admin passwords from one address, alternating between 2 orders-service instances', async (ctx) => {
          do {
            const url = statuses.length % 2 ? second.url : abuse.system.urls.orders;
            statuses.push((await login(ctx.address, `wrong-${statuses.length}`, url)).status);
          } while (statuses.length < 12 || ctx.bystanderDriving());
          return {
            figures: `${statuses.length} logins, every other one to the second instance`,
            limit: 'the same 10 per username and address, counted in Redis by both instances',
            refused: statuses.length,
            logOf: ['orders', 'orders-b'],
          };
        });
        expect(statuses).toEqual([...Array(10).fill(401), ...Array(statuses.length - 10).fill(429)]);
        adminFailures += 10;
        abuse.record(row);
        expect(limitsBroken(row)).toEqual([]);
      } finally {
        await second.process.stop();
      }
    },
  );

  it('when 11 addresses guess the admin password 110 times, then the username budget is spent for them only and the real admin still logs in', async () => {
    const addresses = Array.from({ length: 11 }, (_, i) => `127.0.2.${i + 1}`);
    const statuses: number[] = [];
    const row = await abuse.run.attack('11 addresses send 10 wrong admin passwords each, then keep guessing', async (ctx) => {
      for (let round = 0; round < 10; round += 1) for (const address of addresses) statuses.push((await login(address, `guess-${round}-${address}`)).status);
      while (ctx.bystanderDriving()) statuses.push((await login(addresses[statuses.length % 11]!, `again-${statuses.length}`)).status);
      return {
        figures: `${statuses.length} logins from 11 addresses`,
        limit: '100 failed logins per username a day, then only addresses with a clean record may try',
        refused: statuses.length,
        logOf: ['orders'],
      };
    });
    // Until the username's daily 100 are spent (the attacks above used some), then 429 for every address that has failed.
    expect(statuses.filter((s) => s === 401)).toHaveLength(100 - adminFailures);
    expect(statuses.slice(100 - adminFailures).every((s) => s === 429)).toBe(true);
    expect((await login(addresses[0]!, ADMIN_PASSWORD)).status).toBe(429);
    expect((await login(OWNER_ADDRESS, ADMIN_PASSWORD)).status).toBe(200);
    abuse.record(row);
    expect(limitsBroken(row)).toEqual([]);
  });

  it('when an address guesses the email of one order number and keeps trying, then it gets 429 and the real customer still looks its order up', async () => {
    const order = (await abuse.publicOrders.createOrder()).body;
    const lookUp = (address: string, email: string) =>
      requestFrom(address, `${abuse.system.urls.orders}/tracking/lookup`, { method: 'POST', body: { orderNumber: order.orderNumber, email } });
    const statuses: number[] = [];
    const row = await abuse.run.attack('one address guesses the email of one order number', async (ctx) => {
      const mark = abuse.log.mark();
      do statuses.push((await lookUp(ctx.address, `guess-${statuses.length}@example.com`)).status);
      while (statuses.length < 12 || ctx.bystanderDriving());
      await waitFor(() => linesSaying(mark, 'too many failed lookups') === statuses.length - 10, 'the refusal lines');
      return {
        figures: `${statuses.length} lookups from 1 address`,
        limit: '10 failed lookups per order number and address in 15 min, then 429',
        refused: statuses.length,
        logOf: ['orders'],
        expected: { deliveriesOfOrders: [order.id], ids: [order.id] },
      };
    });
    expect(statuses).toEqual([...Array(10).fill(404), ...Array(statuses.length - 10).fill(429)]);
    const customer = await lookUp(OWNER_ADDRESS, 'grace@example.com');
    expect(customer.status).toBe(200);
    expect(customer.body.orderId).toBe(order.id);
    abuse.record(row);
    expect(limitsBroken(row)).toEqual([]);
  });

  it('when /metrics is asked for on every public port, then no port answers with Prometheus text', async () => {
    const { urls, ports } = abuse.system;
    const publicPorts = [urls.web, urls.orders, urls.delivery, urls.notifier, urls.brokerHttp, `http://127.0.0.1:${ports.mqttWs}`];
    const row = await abuse.run.attack('GET /metrics on every public port', async (ctx) => {
      const mark = abuse.log.mark();
      let requests = 0;
      do {
        const answers = await Promise.all(publicPorts.map((url) => requestFrom(ctx.address, `${url}/metrics`)));
        expect(answers.map((a) => [404, 426].includes(a.status))).toEqual(publicPorts.map(() => true));
        expect(answers.filter((a) => JSON.stringify(a.body ?? '').includes('# HELP'))).toEqual([]);
        requests += answers.length;
      } while (ctx.bystanderDriving());
      await waitFor(() => linesSaying(mark, '/metrics') === requests / publicPorts.length, 'the request lines');
      return {
        figures: `${requests} requests, ${publicPorts.length} ports at a time`,
        limit: '/metrics only on each process’s METRICS_PORT (loopback): 404 elsewhere',
        refused: requests,
        logOf: ['web', 'orders', 'delivery', 'notifier', 'broker'],
      };
    });
    abuse.record(row);
    expect(limitsBroken(row)).toEqual([]);
  });

  it('when 200 connections send HTTP headers a byte at a time, then the customer is still served (the services have no limit of their own: noted)', async () => {
    const CONNECTIONS = 200;
    const row = await abuse.run.attack('200 connections from one address send HTTP headers to orders-service a byte every 200 ms (slowloris)', async (ctx) => {
      const slow = await openSlowHeaders(abuse.system.urls.orders, ctx.address, CONNECTIONS);
      const startedAt = performance.now();
      let drips = 0;
      // The attack's own pace (a byte every 200 ms), kept up at least 2 s and while the customer's changes go through.
      while (drips < 10 || ctx.bystanderDriving()) {
        slow.drip();
        drips += 1;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const closed = slow.closedByServer();
      const heldMs = performance.now() - startedAt;
      slow.destroy();
      return {
        figures: `${CONNECTIONS} connections, ${slow.bytesSent()} header bytes in ${(heldMs / 1000).toFixed(1)} s; ${closed} closed by orders-service meanwhile`,
        limit: "none in the services: Node's headersTimeout (60 s, checked every 30 s) ends each; no cap on HTTP connections per address (see README)",
        refused: 0,
        logOf: ['orders'],
      };
    });
    abuse.record(row);
    expect(limitsBroken(row)).toEqual([]);
  }, 20_000);

  it('when a 32 MiB JSON body is streamed to POST /orders without a length, then it is answered 400 after 64 KiB and the rest is never read', async () => {
    let outcome: Awaited<ReturnType<typeof floodJsonBody>> | undefined;
    const row = await abuse.run.attack('a 32 MiB chunked JSON body to POST /orders (no Content-Length)', async (ctx) => {
      outcome = await floodJsonBody(`${abuse.system.urls.orders}/orders`, ctx.address, { maxBytes: 32 * MIB });
      return {
        figures: `1 connection; answered after ${outcome.answeredAfterMs.toFixed(0)} ms, ${((outcome.writtenBeforeAnswer + outcome.writtenAfterAnswer) / MIB).toFixed(1)} MiB written into the socket (mostly kernel buffers) before orders-service closed it after ${(outcome.closedAfterMs / 1000).toFixed(1)} s`,
        limit: 'JSON bodies of 64 KiB (400 naming it); the rest is not read, the idle connection is closed by the keep-alive timeout (5 s)',
        refused: 1,
        logOf: ['orders'],
      };
    });
    expect(outcome).toMatchObject({ status: 400, closedByServer: true });
    expect(outcome!.body.error.message).toMatch(/too large/);
    expect(outcome!.writtenAfterAnswer).toBeLessThanOrEqual(MIB);
    abuse.record(row);
    expect(limitsBroken(row)).toEqual([]);
  }, 20_000);
});
