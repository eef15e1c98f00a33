import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { topics } from '@orderpulse/contracts';
import { deleteAmqpNamespace, deleteRedisNamespace, redisTarget, testNamespace, uniqueRedisNamespace, waitFor } from '@orderpulse/service-kit/testing';
import {
  AbuseRun,
  abuseTable,
  attemptConnect,
  flood,
  floodJsonBody,
  headerAnnouncing,
  LogMeter,
  MAX_ANNOUNCED,
  metricSum,
  openIdle,
  openSlowHeaders,
  pool,
  registerRider,
  requestFrom,
  retainedOn,
  riderOnTheRoad,
  type AttackRow,
  type Transport,
} from '../src/abuse/index.js';
import { DeliveryClient, MqttRecorder, OrdersClient, TestTokens, startSystem, type RunningSystem } from '../src/harness/index.js';

const amqpUrl = process.env.AMQP_URL as string;
const QUEUES = ['notifier', 'delivery-service.orders', 'orders-service.delivery'];
const MIB = 1024 * 1024;
/** The limits. */
const RSS_LIMIT_MIB = 300;
const LOG_BYTES_PER_REFUSAL = 1024;
/** Where the real admin logs in from: no attacker uses it. */
const ADMIN_ADDRESS = '127.0.1.1';

const rows: AttackRow[] = [];

/** The limits every attack is held to, whatever it tried. */
function expectWithinLimits(row: AttackRow): void {
  rows.push(row);
  const { publishedTopics: _topics, expected: _expected, systemRetained: _retained, attackLines: _lines, ...figures } = row;
  process.stdout.write(`${row.attack}: ${JSON.stringify({ ...figures, latenciesMs: row.latenciesMs.map((ms) => Math.round(ms)) })}\n`);
  expect(row.brokerRss.peakMiB).toBeLessThan(RSS_LIMIT_MIB);
  if (row.refused > 0) expect(row.log.bytes / row.refused).toBeLessThanOrEqual(LOG_BYTES_PER_REFUSAL);
  expect(row.customerStayedConnected).toBe(true);
  expect(row.latenciesMs).toHaveLength(5);
  expect(row.storedChanges).toEqual([]);
  expect(row.retainedLeft).toEqual([]);
}

/**
 * Attacks on the running system, each measured the same way (see AbuseRun): what it tried, the
 * limit it met, the broker's RSS, the log it caused, a bystander customer's updates and whether
 * anything stored changed. Sizes are scaled down from the where noted, to keep the suite
 * near a minute on two cores.
 */
describe('when strangers and token holders attack the running system, then every limit holds and a customer is still served', () => {
  const namespace = testNamespace('abuse');
  const redis = redisTarget();
  const redisNamespace = uniqueRedisNamespace('abuse');
  const log = new LogMeter();
  let system: RunningSystem;
  let tokens: TestTokens;
  let adminToken: string;
  let orders: OrdersClient;
  let deliveries: DeliveryClient;
  let run: AbuseRun;
  let refusals: (reason: string) => Promise<number>;
  const publicOrders = () => new OrdersClient(system.urls.orders);
  const logLines = (mark: number, process: 'broker' | 'orders' | 'delivery', text: string) => log.since(mark, process).text.filter((l) => l.includes(text)).length;

  beforeAll(async () => {
    system = await startSystem({
      amqpUrl,
      namespace,
      ports: 'free',
      logLevel: 'info',
      onLine: log.record,
      env: {
        // Short, so the session attack can watch offline sessions expire; everything else is the default.
        broker: { MQTT_SESSION_EXPIRY_SECONDS: '2' },
        ...('url' in redis ? { orders: { REDIS_URL: redis.url, REDIS_NAMESPACE: redisNamespace } } : {}),
      },
    });
    tokens = new TestTokens(system.jwtSecret);
    adminToken = await tokens.admin();
    orders = new OrdersClient(system.urls.orders, adminToken);
    deliveries = new DeliveryClient(system.urls.delivery, adminToken);
    run = new AbuseRun(system, log, { orders, deliveries, adminToken });
    refusals = (reason) => metricSum(system.urls.metrics.broker, 'mqtt_refusals_total', { reason });
  }, 60_000);

  afterAll(async () => {
    await system?.stop();
    await deleteAmqpNamespace(amqpUrl, namespace, QUEUES);
    if ('url' in redis) await deleteRedisNamespace(redis.url, redisNamespace);
    if (rows.length) process.stdout.write(`\nAbuse: attacks tried\n${abuseTable(rows)}\n`);
  });

  it.each<Transport>(['tcp', 'websocket'])('when 16 anonymous %s connections announce a ~256 MiB CONNECT and stream zeros, then each is cut at its header and the broker stays small', async (transport) => {
    const CONNECTIONS = 16;
    const before = await refusals('packet_too_large');
    let rounds = 0;
    const row = await run.attack(`16 anonymous ${transport === 'tcp' ? 'TCP' : 'WebSocket'} connections announce a ~256 MiB CONNECT, then stream zeros${transport === 'tcp' ? '' : ' in 64 KiB frames'}`, async (ctx) => {
      let written = 0;
      // Repeated while the customer's changes go through, so every change meets the flood.
      do {
        const floods = await Promise.all(Array.from({ length: CONNECTIONS }, () => flood(ctx.broker, transport, ctx.address, headerAnnouncing(1, MAX_ANNOUNCED))));
        expect(floods.filter((f) => !f.closedByBroker)).toEqual([]);
        written += floods.reduce((n, f) => n + f.written, 0);
        rounds += 1;
      } while (ctx.bystanderDriving());
      const refused = CONNECTIONS * rounds;
      await waitFor(async () => (await refusals('packet_too_large')) >= before + refused, `${refused} packet_too_large refusals`);
      return {
        figures: `${CONNECTIONS} at a time, ${rounds} rounds (${refused} connections), ${(written / MIB).toFixed(0)} MiB written into the sockets (mostly kernel buffers) before the broker closed them`,
        limit: '4 KiB packet length before CONNECT, read from the fixed header: closed after one read',
        refused,
      };
    });
    expect(await refusals('packet_too_large')).toBe(before + CONNECTIONS * rounds);
    expectWithinLimits(row);
  });

  it('when a customer publishes a 50 MB payload to its own topic, then the connection is cut at the PUBLISH header', async () => {
    const before = await refusals('packet_too_large');
    const row = await run.attack('a customer publishes a 50 MB payload to its own order topic', async (ctx) => {
      const order = (await publicOrders().createOrder()).body;
      const outcome = await attemptConnect(ctx.broker, 'tcp', ctx.address, { username: 'customer', password: order.trackingToken, clientId: `big-${order.id}` });
      expect(outcome.accepted).toBe(true);
      const closed = new Promise<void>((resolve) => outcome.client.once('close', () => resolve()));
      const startedAt = performance.now();
      outcome.client.publish(topics.orderStatus(order.id), Buffer.alloc(50_000_000), { qos: 1 });
      await closed;
      outcome.client.end(true);
      await waitFor(async () => (await refusals('packet_too_large')) === before + 1, 'the packet_too_large refusal');
      return {
        figures: `1 connection, a 50,000,000-byte PUBLISH, closed ${Math.round(performance.now() - startedAt)} ms after it started`,
        limit: 'packet length once connected (MAX_PAYLOAD_BYTES 16 KiB + 2 KiB), from the header: the payload is never buffered',
        refused: 1,
        expected: { deliveriesOfOrders: [order.id], ids: [order.id] },
        publishedTopics: [topics.orderStatus(order.id)],
        systemRetained: (_topic, payload) => (JSON.parse(payload) as { orderId?: string }).orderId === order.id,
      };
    });
    expectWithinLimits(row);
  });

  it('when 200 CONNECTs at a time carry a 60,000-character client id and a bad password, then each is refused at its header and the log stays small', async () => {
    const ATTEMPTS = 200;
    const before = await refusals('packet_too_large');
    let sent = 0;
    const row = await run.attack('200 CONNECTs with a 60,000-character client id and a bad password', async (ctx) => {
      do {
        const outcomes = await pool(Array.from({ length: ATTEMPTS }, (_, i) => i), 50, (i) =>
          attemptConnect(ctx.broker, 'tcp', ctx.address, { clientId: `${i}-${'x'.repeat(60_000)}`, username: 'admin', password: 'not-a-token' }),
        );
        expect(outcomes.filter((o) => o.accepted)).toEqual([]);
        sent += ATTEMPTS;
      } while (ctx.bystanderDriving());
      await waitFor(async () => (await refusals('packet_too_large')) === before + sent, `${sent} packet_too_large refusals`);
      return {
        figures: `${sent} connections in rounds of ${ATTEMPTS}, 50 at a time, ${((sent * 60_000) / MIB).toFixed(0)} MiB of client ids`,
        limit: '4 KiB packet length before CONNECT; refusal lines cut to 128 characters, 10 a second per reason',
        refused: sent,
      };
    });
    expectWithinLimits(row);
  });

  it('when 200 CONNECTs carry a 4,000-character client id (under the packet limit), then each gets CONNACK 2 before its token is looked at', async () => {
    const ATTEMPTS = 200;
    const before = await refusals('connect_client_id_too_long');
    const row = await run.attack('200 CONNECTs with a 4,000-character client id (fits in 4 KiB) and a bad password', async (ctx) => {
      const outcomes = await pool(Array.from({ length: ATTEMPTS }, (_, i) => i), 50, (i) =>
        attemptConnect(ctx.broker, 'websocket', ctx.address, { clientId: `${i}-${'y'.repeat(4_000)}`, username: 'admin', password: 'not-a-token' }),
      );
      expect(outcomes.map((o) => o.returnCode)).toEqual(Array(ATTEMPTS).fill(2));
      await waitFor(async () => (await refusals('connect_client_id_too_long')) === before + ATTEMPTS, `${ATTEMPTS} connect_client_id_too_long refusals`);
      return { figures: `${ATTEMPTS} WebSocket connections, 50 at a time`, limit: 'client id 128 characters: CONNACK 2, token never verified', refused: ATTEMPTS };
    });
    expectWithinLimits(row);
  });

  it('when one address opens 300 connections and sends nothing, then 256 are held until the 5 s CONNECT deadline and the rest are refused at once', async () => {
    const before = { cap: await refusals('connect_address_limit'), deadline: await refusals('connect_timeout') };
    const row = await run.attack('one address opens 200 TCP + 100 WebSocket connections and sends nothing', async (ctx) => {
      const idle = await pool([...Array(200).fill('tcp'), ...Array(100).fill('websocket')] as Transport[], 50, (t) => openIdle(ctx.broker, t, ctx.address));
      const held = await Promise.all(idle.map((c) => c.closed));
      await waitFor(async () => (await refusals('connect_address_limit')) - before.cap + (await refusals('connect_timeout')) - before.deadline === 300, '300 refusals');
      const cap = (await refusals('connect_address_limit')) - before.cap;
      const deadline = (await refusals('connect_timeout')) - before.deadline;
      expect({ cap, deadline }).toEqual({ cap: 44, deadline: 256 });
      const longest = Math.max(...held);
      expect(longest).toBeLessThan(7_000);
      return {
        figures: `300 connections from 1 address, longest held ${(longest / 1000).toFixed(1)} s`,
        limit: `256 connections per address (${cap} refused at accept or with HTTP 503), 5 s CONNECT deadline (${deadline} closed)`,
        refused: 300,
      };
    });
    expectWithinLimits(row);
  }, 20_000);

  it('when a rider publishes 50 retained 16 KB messages to its own delivery topics, then each is refused and nothing is retained', async () => {
    const ATTEMPTS = 50;
    const rider = await registerRider(deliveries, 'Retaining Rider');
    const watcher = await MqttRecorder.connect(system.urls.mqtt, ['riders/#'], { username: 'admin', password: adminToken, clientId: `abuse-watch-${namespace}` });
    const reportsBefore = await metricSum(system.urls.metrics.delivery, 'rider_reports_total');
    const before = await refusals('publish_retain_not_allowed');
    const used = Array.from({ length: ATTEMPTS }, () => topics.riderDeliveryStatus(rider.riderId, randomUUID()));
    const payload = JSON.stringify({ status: 'picked_up', at: new Date().toISOString(), note: 'r'.repeat(16_000) });
    try {
      const row = await run.attack('a rider publishes 50 retained 16 KB messages to riders/<own>/deliveries/<random>/status', async (ctx) => {
        const acked = await pool(used, 5, async (topic, i) => {
          const c = await attemptConnect(ctx.broker, 'tcp', ctx.address, { username: 'rider', password: rider.token, clientId: `retain-${i}` });
          expect(c.accepted).toBe(true);
          const closed = new Promise<void>((resolve) => c.client.once('close', () => resolve()));
          const puback = c.client.publishAsync(topic, payload, { qos: 1, retain: true }).then(() => true, () => false);
          await closed;
          c.client.end(true);
          return puback;
        });
        expect(acked.filter(Boolean)).toEqual([]);
        await waitFor(async () => (await refusals('publish_retain_not_allowed')) === before + ATTEMPTS, `${ATTEMPTS} publish_retain_not_allowed refusals`);
        return {
          figures: `${ATTEMPTS} connections, one ${(payload.length / 1024).toFixed(0)} KiB retained PUBLISH each (issue: 500)`,
          limit: 'retain only for services: refused, connection closed without PUBACK',
          refused: ATTEMPTS,
          publishedTopics: used,
        };
      });
      expect(watcher.messages.filter((m) => m.topic.startsWith(`riders/${rider.riderId}/`))).toEqual([]);
      expect(await metricSum(system.urls.metrics.delivery, 'rider_reports_total')).toBe(reportsBefore);
      expectWithinLimits(row);
    } finally {
      await watcher.close();
    }
  });
});
