import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { topics } from '@orderpulse/contracts';
import { waitFor } from '@orderpulse/service-kit/testing';
import { limitsBroken, metricSum, publishFlood, registerRider, retainedOn, riderOnTheRoad, startAbuseSystem, type AbuseSystem } from '../src/abuse/index.js';

/** At most this many reports of one rider token get through the broker in `seconds` (10 a second after a burst of 10). */
const paced = (seconds: number) => 10 + Math.ceil(seconds * 10) + 1;

/**
 * Riders misusing what they report (through the broker to delivery-service), measured as in
 * abuse.test.ts.
 */
describe('when riders forge or flood their reports, then every limit holds and a customer is still served', () => {
  let abuse: AbuseSystem;

  beforeAll(async () => {
    abuse = await startAbuseSystem({ amqpUrl: process.env.AMQP_URL as string, label: 'abuse-riders' });
  }, 60_000);
  afterAll(async () => abuse?.stop());
  const reports = (labels: Record<string, string>) => metricSum(abuse.system.urls.metrics.delivery, 'rider_reports_total', labels);

  it('when a rider reports a position dated 2099 and then real ones, then the forged one is refused and the real ones become the position', async () => {
    const road = await riderOnTheRoad(abuse.orders, abuse.deliveries, abuse.system.urls.mqtt, 'Time Traveller');
    const futureBefore = await metricSum(abuse.system.urls.metrics.delivery, 'rider_reports_total', { result: 'refused_future' });
    const ROUTE = [51.4545, 51.4528, 51.4511];
    let lastAt = '';
    let forged = 0;
    try {
      const row = await abuse.run.attack('a rider reports a position dated 2099, then real positions, then 2099 again', async (ctx) => {
        const mark = abuse.log.mark();
        const location = topics.riderLocation(road.riderId);
        const forge = async () => {
          await road.device.publishAsync(location, JSON.stringify({ lat: 51.45, lng: -2.59, at: '2099-01-01T00:00:00.000Z' }), { qos: 1 });
          forged += 1;
        };
        await forge();
        const base = Date.now();
        for (const [i, lat] of ROUTE.entries()) {
          lastAt = new Date(base + i).toISOString();
          await road.device.publishAsync(location, JSON.stringify({ lat, lng: -2.59, at: lastAt }), { qos: 1 });
        }
        while (ctx.bystanderDriving()) await forge();
        await waitFor(
          async () => (await abuse.deliveries.getDelivery(road.delivery.id)).body.lastPosition?.at === lastAt,
          'the last real position to be stored',
        );
        await waitFor(
          async () => (await metricSum(abuse.system.urls.metrics.delivery, 'rider_reports_total', { result: 'refused_future' })) === futureBefore + forged,
          'the refused_future count',
        );
        await waitFor(
          () => abuse.log.refusalsAccounted(mark, 'delivery', (line) => line.includes('"result":"refused_future"')) === forged,
          'the refusals to be logged or summed up',
          5_000,
        );
        return {
          figures: `${forged} locations dated 2099-01-01, the first before 3 real ones, the rest after`,
          limit: 'RIDER_REPORT_MAX_FUTURE_SECONDS (30 s): refused, logged and counted as refused_future',
          refused: forged,
          logOf: ['delivery'],
          attackLines: (line) => line.includes('refused_future'),
          expected: { ids: [road.delivery.id] },
          publishedTopics: [location],
        };
      });
      expect(row.log.lines).toBeGreaterThanOrEqual(1);
      expect(row.log.lines).toBeLessThanOrEqual(forged);
      expect((await abuse.deliveries.getDelivery(road.delivery.id)).body.lastPosition).toMatchObject({ lat: ROUTE.at(-1), at: lastAt });
      // The customer's retained location is the last real one, never 2099.
      await waitFor(async () => {
        const held = await retainedOn(abuse.system.urls.mqtt, abuse.adminToken, [topics.orderLocation(road.order.id)], topics.orderStatus(road.order.id));
        return (JSON.parse(held.get(topics.orderLocation(road.order.id)) ?? '{}') as { at?: string }).at === lastAt;
      }, "the customer's retained location to be the last real one");
      abuse.record(row);
      expect(limitsBroken(row)).toEqual([]);
    } finally {
      await road.device.endAsync(true);
    }
  });

  it('when a rider with nothing in progress publishes positions as fast as it can, then it is held to 10 a second, each is refused and counted, and the log keeps to its budget', async () => {
    const rider = await registerRider(abuse.deliveries, 'Idle Flooder');
    const before = await reports({ kind: 'location', result: 'refused' });
    let flood = { acknowledged: 0, durationMs: 0 };
    const row = await abuse.run.attack('a rider with nothing in progress publishes positions as fast as it can (QoS 1, 10 in flight)', async (ctx) => {
      const c = await ctx.connect('tcp', { username: 'rider', password: rider.token, clientId: 'idle-flooder' });
      const mark = abuse.log.mark();
      const location = topics.riderLocation(rider.riderId);
      flood = await publishFlood(c.client, () => ({ topic: location, payload: JSON.stringify({ lat: 51.45, lng: -2.59, at: new Date().toISOString() }) }), {
        keepGoing: ctx.bystanderDriving,
      });
      const sent = flood.acknowledged;
      await waitFor(async () => (await reports({ kind: 'location', result: 'refused' })) === before + sent, `${sent} refused reports counted`);
      // Every refusal is either a line or summed up in a 'suppressed log lines' line (written once a second).
      await waitFor(
        () => abuse.log.refusalsAccounted(mark, 'delivery', (line) => line.includes('"rider report refused"')) === sent,
        'the refusals to be logged or summed up',
        5_000,
      );
      return {
        figures: `1 connection, ${sent} positions acknowledged in ${(flood.durationMs / 1000).toFixed(1)} s`,
        limit:
          '10 publishes a second per rider token (the rest held by the broker); refused by delivery-service (nothing in progress), refusal lines 10 a second',
        refused: sent,
        logOf: ['delivery'],
      };
    });
    expect(flood.acknowledged).toBeLessThanOrEqual(paced(flood.durationMs / 1000));
    expect(row.log.lines).toBeLessThanOrEqual(11 * Math.ceil(flood.durationMs / 1000 + 1));
    abuse.record(row);
    expect(limitsBroken(row)).toEqual([]);
  }, 30_000);

  it("when a rider on the road publishes positions as fast as it can, then it is held to 10 a second, each is applied, and another rider's report is not queued behind them", async () => {
    const road = await riderOnTheRoad(abuse.orders, abuse.deliveries, abuse.system.urls.mqtt, 'Fast Rider');
    const other = await riderOnTheRoad(abuse.orders, abuse.deliveries, abuse.system.urls.mqtt, 'Other Rider');
    const before = await reports({ kind: 'location', result: 'applied' });
    let flood = { acknowledged: 0, durationMs: 0 };
    let floodVersionThen = 0;
    try {
      const row = await abuse.run.attack('a rider on the road publishes positions as fast as it can (QoS 1, 10 in flight)', async (ctx) => {
        const location = topics.riderLocation(road.riderId);
        // Each position 1 ms after the one before (a position no newer than the stored one is a repeat).
        let lastAt = 0;
        const nextAt = () => new Date((lastAt = Math.max(Date.now(), lastAt + 1))).toISOString();
        const flooding = publishFlood(road.device, (i) => ({ topic: location, payload: JSON.stringify({ lat: 51.45 + i * 1e-6, lng: -2.59, at: nextAt() }) }), {
          keepGoing: ctx.bystanderDriving,
        });
        // Meanwhile another rider reports in_transit: how long until it is applied, and how far the flood had got by then.
        await waitFor(async () => (await reports({ kind: 'location', result: 'applied' })) > before + 10, 'the flood to be under way');
        const sentAt = performance.now();
        await other.device.publishAsync(
          topics.riderDeliveryStatus(other.riderId, other.delivery.id),
          JSON.stringify({ status: 'in_transit', at: new Date().toISOString() }),
          { qos: 1 },
        );
        await waitFor(
          async () => (await abuse.deliveries.getDelivery(other.delivery.id)).body.status === 'in_transit',
          "the other rider's report to be applied",
          30_000,
        );
        const otherAppliedMs = performance.now() - sentAt;
        floodVersionThen = (await abuse.deliveries.getDelivery(road.delivery.id)).body.version;
        flood = await flooding;
        await waitFor(
          async () => (await reports({ kind: 'location', result: 'applied' })) === before + flood.acknowledged,
          `${flood.acknowledged} applied positions`,
        );
        return {
          figures: `1 connection, ${flood.acknowledged} positions acknowledged in ${(flood.durationMs / 1000).toFixed(1)} s, each applied (a store write and an event to the customer); another rider's report applied ${Math.round(otherAppliedMs)} ms after it was sent`,
          limit: '10 publishes a second per rider token: the rest held by the broker (before: ~1,000 a second, and another rider waited ~20 s)',
          refused: 0,
          logOf: ['delivery'],
          expected: { ids: [road.delivery.id, other.delivery.id] },
        };
      });
      const stored = (await abuse.deliveries.getDelivery(road.delivery.id)).body;
      expect(stored.version).toBe(road.delivery.version + flood.acknowledged);
      // The other rider's report overtook the flood: applied while the flooder still had positions to come.
      expect(floodVersionThen).toBeLessThan(stored.version);
      expect(flood.acknowledged).toBeLessThanOrEqual(paced(flood.durationMs / 1000));
      abuse.record(row);
      expect(limitsBroken(row)).toEqual([]);
    } finally {
      await Promise.all([road.device.endAsync(true), other.device.endAsync(true)]);
    }
  }, 30_000);
});
