import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { topics, type DeliverySnapshot, type Rider } from '@orderpulse/contracts';
import { nextEvent, waitFor } from '@orderpulse/service-kit/testing';
import { startAedes, type InProcessBroker } from './support/aedes-broker.js';
import { connectRider, startIngest, type IngestUnderTest, type RiderDevice } from './support/ingest-under-test.js';
import { assignedTo, storedDelivery, storedRider } from './support/stored.js';
import { testDeps, type TestDeps } from './support/use-case-deps.js';

const CLIENT_ID = 'delivery-service-restart-test';
const DELIVERIES = 5;

/** 5 × picked_up, 15 locations, 5 × in_transit, 20 locations, 5 × delivered: 50 reports, each with its own time. */
function fiftyReports(rider: Rider, deliveries: DeliverySnapshot[]): Array<{ topic: string; payload: Record<string, unknown> }> {
  let second = 0;
  const at = () => new Date(Date.UTC(2026, 10, 26, 11, 0, (second += 1))).toISOString();
  const statuses = (status: string) => deliveries.map((d) => ({ topic: topics.riderDeliveryStatus(rider.id, d.id), payload: { status, at: at() } }));
  const locations = (count: number) =>
    Array.from({ length: count }, () => ({ topic: topics.riderLocation(rider.id), payload: { lat: 51.46 - second * 0.0001, lng: -2.58, at: at() } }));
  return [...statuses('picked_up'), ...locations(15), ...statuses('in_transit'), ...locations(20), ...statuses('delivered')];
}

describe('rider ingest restart', () => {
  let broker: InProcessBroker;
  let deps: TestDeps;
  let device: RiderDevice;
  const ingests: IngestUnderTest[] = [];

  beforeAll(async () => {
    broker = await startAedes();
  });
  afterAll(async () => {
    await device?.close();
    for (const { ingest } of ingests) await ingest.stop();
    await broker?.close();
  });

  it('when the ingest stops while a rider publishes 50 reports at QoS 1 and starts again with the same client id, then every one is applied exactly once', async () => {
    deps = testDeps();
    // Each write takes a little while, as a real store does, so reports pile up in flight when the ingest stops.
    const inner = deps.store.deliveries;
    deps.store.deliveries = { ...inner, update: async (...args) => (await new Promise((r) => setTimeout(r, 2)), inner.update(...args)) };
    const rider = await storedRider(deps.store);
    const deliveries: DeliverySnapshot[] = [];
    for (let i = 0; i < DELIVERIES; i += 1) deliveries.push(await storedDelivery(deps.store, assignedTo(rider)));
    const reports = fiftyReports(rider, deliveries);
    expect(reports).toHaveLength(50);

    const first = await startIngest(deps, broker.url, CLIENT_ID);
    ingests.push(first);
    device = await connectRider(broker.url, rider.id);
    const tenth = nextEvent(first.ingest, 'processed', 10_000, () => first.outcomes.length === 10);
    const publishing = (async () => {
      for (const { topic, payload } of reports) await device.report(topic, payload);
    })();
    await tenth;
    await first.ingest.stop();
    const beforeRestart = first.outcomes.length;
    await publishing;
    expect(beforeRestart).toBeLessThan(50);

    const second = await startIngest(deps, broker.url, CLIENT_ID);
    ingests.push(second);
    const outcomes = () => [...first.outcomes, ...second.outcomes];
    await waitFor(() => outcomes().filter((o) => o.result === 'applied').length >= 50, 'all 50 reports applied', 20_000);

    expect(outcomes().filter((o) => o.result === 'refused')).toEqual([]);
    expect(outcomes().filter((o) => o.result === 'applied')).toHaveLength(50);
    for (const delivery of deliveries) {
      const stored = (await inner.findById(delivery.id))!;
      expect(stored.delivery.history.map((h) => h.status)).toEqual(['awaiting_assignment', 'assigned', 'picked_up', 'in_transit', 'delivered']);
      // assigned (2) + 3 statuses + 35 locations, one version each, and a version each time the rider's other stops moved up (issue 18 point 6)
      const renumbered = stored.pendingEvents.filter((e) => e.type === 'delivery.stops_changed').length;
      expect(stored.delivery.version).toBe(delivery.version + 3 + 35 + renumbered);
      const locations = stored.pendingEvents.filter((e) => e.type === 'delivery.location_updated');
      expect(locations).toHaveLength(35);
      expect(new Set(locations.map((e) => (e.data as { at: string }).at)).size).toBe(35);
      expect(stored.delivery.lastPosition?.at).toBe(reports.at(-6)?.payload.at);
    }
  });
});
