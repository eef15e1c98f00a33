import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { topics } from '@orderpulse/contracts';
import { subackCodes, waitFor } from '@orderpulse/service-kit/testing';
import { limitsBroken, metricSum, pool, registerRider, startAbuseSystem, type AbuseSystem } from '../src/abuse/index.js';
import { MqttRecorder } from '../src/harness/index.js';

/**
 * Customers and riders with valid tokens against the broker, measured as in abuse.test.ts (what
 * riders report: abuse-rider-reports.test.ts). Sizes scaled down from the where the row
 * says so.
 */
describe('when customers and riders misuse their tokens, then every limit holds and a customer is still served', () => {
  let abuse: AbuseSystem;

  beforeAll(async () => {
    abuse = await startAbuseSystem({
      amqpUrl: process.env.AMQP_URL as string,
      label: 'abuse-tokens',
      // Short, so the session attack can watch offline sessions expire; everything else is the default.
      env: { broker: { MQTT_SESSION_EXPIRY_SECONDS: '2' } },
    });
  }, 60_000);
  afterAll(async () => abuse?.stop());

  it('when a customer publishes a 50 MB payload to its own topic, then the connection is cut at the PUBLISH header', async () => {
    const before = await abuse.refusals('packet_too_large');
    const payload = Buffer.alloc(50_000_000);
    let attempts = 0;
    const row = await abuse.run.attack('a customer publishes a 50 MB payload to its own order topic', async (ctx) => {
      const order = (await abuse.publicOrders.createOrder()).body;
      const startedAt = performance.now();
      // Again on a new connection each time it is cut, while the customer's changes go through.
      do {
        const outcome = await ctx.connect('tcp', { username: 'customer', password: order.trackingToken, clientId: `big-${order.id}` });
        expect(outcome.accepted).toBe(true);
        const closed = new Promise<void>((resolve) => outcome.client.once('close', () => resolve()));
        outcome.client.publish(topics.orderStatus(order.id), payload, { qos: 1 });
        await closed;
        outcome.client.end(true);
        attempts += 1;
      } while (ctx.bystanderDriving());
      await waitFor(async () => (await abuse.refusals('packet_too_large')) === before + attempts, `${attempts} packet_too_large refusals`);
      return {
        figures: `${attempts} connections one after another, each a 50,000,000-byte PUBLISH, in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`,
        limit: 'packet length once connected (MAX_PAYLOAD_BYTES 16 KiB + 2 KiB), from the header: the payload is never buffered',
        refused: attempts,
        expected: { deliveriesOfOrders: [order.id], ids: [order.id] },
        publishedTopics: [topics.orderStatus(order.id)],
        systemRetained: (_topic, retained) => (JSON.parse(retained) as { orderId?: string }).orderId === order.id,
      };
    });
    abuse.record(row);
    expect(limitsBroken(row)).toEqual([]);
  });

  it('when a rider publishes retained 16 KB messages to its own delivery topics, then each is refused and nothing is retained', async () => {
    const rider = await registerRider(abuse.deliveries, 'Retaining Rider');
    const watcher = await MqttRecorder.connect(abuse.system.urls.mqtt, ['riders/#'], {
      username: 'admin',
      password: abuse.adminToken,
      clientId: 'abuse-watcher',
    });
    const reportsBefore = await metricSum(abuse.system.urls.metrics.delivery, 'rider_reports_total');
    const before = await abuse.refusals('publish_retain_not_allowed');
    const payload = JSON.stringify({ status: 'picked_up', at: new Date().toISOString(), note: 'r'.repeat(16_000) });
    const used: string[] = [];
    try {
      const row = await abuse.run.attack('a rider publishes retained 16 KB messages to riders/<own>/deliveries/<random>/status', async (ctx) => {
        do {
          const round = Array.from({ length: 50 }, () => topics.riderDeliveryStatus(rider.riderId, randomUUID()));
          used.push(...round);
          const acked = await pool(round, 10, async (topic, i) => {
            const c = await ctx.connect('tcp', { username: 'rider', password: rider.token, clientId: `retain-${i}` });
            expect(c.accepted).toBe(true);
            const closed = new Promise<void>((resolve) => c.client.once('close', () => resolve()));
            const puback = c.client.publishAsync(topic, payload, { qos: 1, retain: true }).then(
              () => true,
              () => false,
            );
            await closed;
            c.client.end(true);
            return puback;
          });
          expect(acked.filter(Boolean)).toEqual([]);
        } while (ctx.bystanderDriving());
        await waitFor(
          async () => (await abuse.refusals('publish_retain_not_allowed')) === before + used.length,
          `${used.length} publish_retain_not_allowed refusals`,
        );
        return {
          figures: `${used.length} connections in rounds of 50, one ${(payload.length / 1024).toFixed(0)} KiB retained PUBLISH each`,
          limit: 'retain only for services: refused, connection closed without PUBACK',
          refused: used.length,
          publishedTopics: used,
        };
      });
      // Not even live: an admin on riders/# saw none of them (only the rider's presence, which the broker itself writes), and delivery-service got none.
      expect(watcher.messages.filter((m) => m.topic.startsWith(`riders/${rider.riderId}/`) && m.topic !== topics.riderPresence(rider.riderId))).toEqual([]);
      expect(await metricSum(abuse.system.urls.metrics.delivery, 'rider_reports_total')).toBe(reportsBefore);
      abuse.record(row);
      expect(limitsBroken(row)).toEqual([]);
    } finally {
      await watcher.close();
    }
  });

  it('when one customer token asks for 40 persistent sessions with keepalive 0, then 4 are kept, the rest get CONNACK 3, and offline ones expire', async () => {
    const ATTEMPTS = 40;
    const order = (await abuse.publicOrders.createOrder()).body;
    const metricsUrl = abuse.system.urls.metrics.broker;
    const before = {
      refused: await abuse.refusals('connect_session_limit'),
      expired: await metricSum(metricsUrl, 'mqtt_persistent_sessions_expired_total'),
      capped: await metricSum(metricsUrl, 'mqtt_keepalive_capped_total', { requested: 'zero' }),
    };
    const row = await abuse.run.attack('one free customer token asks for 40 persistent sessions (clean=false, keepalive 0)', async (ctx) => {
      const codes: Array<number | 'accepted'> = [];
      for (let i = 0; i < ATTEMPTS; i += 1) {
        const outcome = await ctx.connect(i % 2 ? 'websocket' : 'tcp', {
          username: 'customer',
          password: order.trackingToken,
          clientId: `hoard-${i}`,
          clean: false,
          keepalive: 0,
        });
        codes.push(outcome.accepted ? 'accepted' : (outcome.returnCode ?? -1));
        if (outcome.accepted) await outcome.client.endAsync();
      }
      expect(codes).toEqual([...Array(4).fill('accepted'), ...Array(ATTEMPTS - 4).fill(3)]);
      // Every CONNECT's keepalive is bounded before the session check, refused ones included.
      expect(await metricSum(metricsUrl, 'mqtt_keepalive_capped_total', { requested: 'zero' })).toBe(before.capped + ATTEMPTS);
      await waitFor(
        async () => (await metricSum(metricsUrl, 'mqtt_persistent_sessions_expired_total')) === before.expired + 4,
        'the 4 offline sessions to expire',
        10_000,
      );
      // Their room is given back: the token may keep a persistent session again.
      const again = await ctx.connect('tcp', { username: 'customer', password: order.trackingToken, clientId: 'hoard-again', clean: false });
      expect(again.accepted).toBe(true);
      await again.client.endAsync();
      return {
        figures: `${ATTEMPTS} CONNECTs one after another (issue: 2,000), half TCP, half WebSocket`,
        limit:
          '4 persistent sessions per token (36 × CONNACK 3); keepalive 0 replaced by 300 s; offline sessions wiped after MQTT_SESSION_EXPIRY_SECONDS (2 s in this run, 1 day by default)',
        refused: ATTEMPTS - 4,
        expected: { deliveriesOfOrders: [order.id], ids: [order.id] },
      };
    });
    expect(await abuse.refusals('connect_session_limit')).toBe(before.refused + ATTEMPTS - 4);
    abuse.record(row);
    expect(limitsBroken(row)).toEqual([]);
  });

  it('when one customer token opens 30 connections at once, then 10 are let in and 20 get CONNACK 3', async () => {
    const order = (await abuse.publicOrders.createOrder()).body;
    const before = await abuse.refusals('connect_subject_limit');
    const row = await abuse.run.attack('one customer token opens 30 connections at once', async (ctx) => {
      const outcomes = await Promise.all(
        Array.from({ length: 30 }, (_, i) => ctx.connect('websocket', { username: 'customer', password: order.trackingToken, clientId: `many-${i}` })),
      );
      expect(outcomes.filter((o) => o.accepted)).toHaveLength(10);
      expect(outcomes.filter((o) => o.returnCode === 3)).toHaveLength(20);
      await waitFor(() => !ctx.bystanderDriving(), 'the customer to finish while the 10 are held', 10_000);
      return {
        figures: '30 WebSocket connections at once, the 10 let in held open',
        limit: '10 connections per customer/rider token',
        refused: 20,
        expected: { deliveriesOfOrders: [order.id], ids: [order.id] },
      };
    });
    expect(await abuse.refusals('connect_subject_limit')).toBe(before + 20);
    abuse.record(row);
    expect(limitsBroken(row)).toEqual([]);
  });

  it('when a rider subscribes to 30,000 filters inside its own tree, then it holds 64 and the broker stays small', async () => {
    const rider = await registerRider(abuse.deliveries, 'Hoarding Subscriber');
    const before = await abuse.refusals('subscribe_limit');
    let granted = 0;
    const row = await abuse.run.attack('a rider sends 100 SUBSCRIBEs of 300 filters inside riders/<own>/#', async (ctx) => {
      const c = await ctx.connect('tcp', { username: 'rider', password: rider.token, clientId: 'hoarder' });
      expect(c.accepted).toBe(true);
      for (let p = 0; p < 100; p += 1) {
        const filters = Array.from({ length: 300 }, (_, i) => `riders/${rider.riderId}/x/${p}-${i}`);
        granted += (await subackCodes(c.client, filters)).filter((code) => code !== 128).length;
      }
      expect(c.client.connected).toBe(true);
      await waitFor(async () => (await abuse.refusals('subscribe_limit')) === before + 30_000 - granted, 'the subscribe_limit refusals');
      return {
        figures: `1 connection, 30,000 filters (~1.7 MiB of SUBSCRIBEs), ${granted} granted`,
        limit: '64 filters per connection: SUBACK 128 past them, connection kept',
        refused: 30_000 - granted,
      };
    });
    expect(granted).toBe(64);
    abuse.record(row);
    expect(limitsBroken(row)).toEqual([]);
  });

  it('when a customer lists 6,000 other orders in its SUBSCRIBEs and then sends one of ~100 KB, then every foreign filter gets SUBACK 128 and the big one closes it', async () => {
    const order = (await abuse.publicOrders.createOrder()).body;
    const before = { denied: await abuse.refusals('subscribe_not_authorized'), large: await abuse.refusals('packet_too_large') };
    const row = await abuse.run.attack('a customer sends 20 SUBSCRIBEs of 300 other orders’ topics, then one of 2,000', async (ctx) => {
      const c = await ctx.connect('websocket', { username: 'customer', password: order.trackingToken, clientId: `prober-${order.id}` });
      const foreign = (n: number) => Array.from({ length: n }, () => topics.orderStatus(randomUUID()));
      let granted = 0;
      for (let p = 0; p < 20; p += 1) granted += (await subackCodes(c.client, foreign(300))).filter((code) => code !== 128).length;
      expect(granted).toBe(0);
      const closed = new Promise<void>((resolve) => c.client.once('close', () => resolve()));
      c.client.subscribe(foreign(2_000), { qos: 1 });
      await closed;
      await waitFor(
        async () =>
          (await abuse.refusals('subscribe_not_authorized')) === before.denied + 6_000 && (await abuse.refusals('packet_too_large')) === before.large + 1,
        'the refusals',
      );
      return {
        figures: '1 WebSocket connection, 6,000 foreign filters in 20 SUBSCRIBEs (~16 KiB each), then 2,000 in one (~104 KiB)',
        limit: 'topic rules (SUBACK 128 each, connection kept); packet length once connected (18 KiB): closed on the header',
        refused: 6_001,
        expected: { deliveriesOfOrders: [order.id], ids: [order.id] },
      };
    });
    abuse.record(row);
    expect(limitsBroken(row)).toEqual([]);
  });
});
