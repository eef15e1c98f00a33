import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { estimateArrival, topics, type DeliverySnapshot, type Rider } from '@orderpulse/contracts';
import { Registry } from '@orderpulse/service-kit';
import { nextEvent, waitFor } from '@orderpulse/service-kit/testing';
import { countRiderReports } from '../src/metrics.js';
import type { RiderMessageOutcome } from '../src/ingest/rider-message-handler.js';
import { startAedes, type InProcessBroker } from './support/aedes-broker.js';
import { captureLogger, type CapturedLogger } from './support/capture-logger.js';
import { at } from './support/factories.js';
import { connectRider, startIngest, testTokens, type IngestUnderTest, type RiderDevice } from './support/ingest-under-test.js';
import { assignedTo, storedDelivery, storedRider } from './support/stored.js';
import { TEST_SPEED_KMH, testDeps, type TestDeps } from './support/use-case-deps.js';

describe('rider ingest over MQTT', () => {
  let broker: InProcessBroker;
  let deps: TestDeps;
  let log: CapturedLogger;
  let sut: IngestUnderTest;
  let rider: Rider;
  let device: RiderDevice;
  let delivery: DeliverySnapshot;
  const logins: Array<{ username: string | undefined; password: string | undefined }> = [];
  let clientCount = 0;

  beforeEach(async () => {
    logins.length = 0;
    broker = await startAedes({
      authenticate: (_client, username, password, done) => {
        logins.push({ username, password: password?.toString() });
        done(null, true);
      },
    });
    log = captureLogger('info');
    deps = testDeps({ logger: log.logger });
    rider = await storedRider(deps.store);
    delivery = await storedDelivery(deps.store, assignedTo(rider));
    clientCount += 1;
    sut = await startIngest(deps, broker.url, `delivery-ingest-test-${clientCount}`);
    device = await connectRider(broker.url, rider.id);
  });
  afterEach(async () => {
    await device?.close();
    await sut?.ingest.stop();
    await broker?.close();
  });

  const statusTopic = () => topics.riderDeliveryStatus(rider.id, delivery.id);
  const current = async () => (await deps.store.deliveries.findById(delivery.id))!.delivery;
  /** Publishes and waits until the ingest has dealt with it. */
  async function send(topic: string, payload: unknown): Promise<RiderMessageOutcome> {
    const processed = nextEvent<[RiderMessageOutcome, string]>(sut.ingest, 'processed', 5_000, (_o, t) => t === topic);
    await device.report(topic, payload);
    return (await processed)[0];
  }

  it('when it connects, then it logs in as username "service" with a service token signed for delivery-service', async () => {
    expect(logins[0]?.username).toBe('service');
    expect(await testTokens.verify(logins[0]!.password!)).toMatchObject({ role: 'service', sub: 'delivery-service' });
  });

  it('when a rider reports pick-up, movement and delivery, then each applies in turn', async () => {
    expect(await send(statusTopic(), { status: 'picked_up', at: at(1), lat: 51.46, lng: -2.58 })).toEqual({
      result: 'applied',
      kind: 'status',
      riderId: rider.id,
      deliveryIds: [delivery.id],
    });
    expect(await send(topics.riderLocation(rider.id), { lat: 51.455, lng: -2.59, heading: 200, at: at(2) })).toMatchObject({
      result: 'applied',
      deliveryIds: [delivery.id],
    });
    expect((await current()).eta).toMatchObject({ basedOnPositionAt: at(2) });
    await send(statusTopic(), { status: 'in_transit', at: at(3) });
    await send(statusTopic(), { status: 'delivered', at: at(4), note: 'left with neighbour' });

    const done = await current();
    expect(done.history.map((h) => h.status)).toEqual(['awaiting_assignment', 'assigned', 'picked_up', 'in_transit', 'delivered']);
    expect(done).toMatchObject({ version: delivery.version + 4, lastPosition: { lat: 51.455, lng: -2.59, heading: 200, at: at(2) }, eta: null });
  });

  describe('when a rider sends something wrong, then it is refused and logged, nothing changes, and the next good report applies', () => {
    const cases: Array<[string, (ctx: { rider: Rider; delivery: DeliverySnapshot; other: Rider }) => [string, unknown], RegExp]> = [
      ['malformed JSON', ({ rider, delivery }) => [topics.riderDeliveryStatus(rider.id, delivery.id), '{"status": "picked_up", '], /^malformed JSON/],
      [
        'an unknown status',
        ({ rider, delivery }) => [topics.riderDeliveryStatus(rider.id, delivery.id), { status: 'teleported', at: at(1) }],
        /^invalid status report: status/,
      ],
      [
        'a status with an out-of-range position',
        ({ rider, delivery }) => [topics.riderDeliveryStatus(rider.id, delivery.id), { status: 'picked_up', at: at(1), lat: 123, lng: 0 }],
        /^invalid status report: lat/,
      ],
      [
        'a status without a time',
        ({ rider, delivery }) => [topics.riderDeliveryStatus(rider.id, delivery.id), { status: 'picked_up' }],
        /^invalid status report: at/,
      ],
      [
        'an invalid transition',
        ({ rider, delivery }) => [topics.riderDeliveryStatus(rider.id, delivery.id), { status: 'delivered', at: at(1) }],
        /^cannot change a delivery from assigned to delivered/,
      ],
      [
        "a status for another rider's delivery",
        ({ other, delivery }) => [topics.riderDeliveryStatus(other.id, delivery.id), { status: 'picked_up', at: at(1) }],
        /is not assigned to rider/,
      ],
      [
        'a status for an unknown delivery',
        ({ rider }) => [topics.riderDeliveryStatus(rider.id, '00000000-0000-4000-8000-000000000000'), { status: 'picked_up', at: at(1) }],
        /not found$/,
      ],
      ['an out-of-range location', ({ rider }) => [topics.riderLocation(rider.id), { lat: 0, lng: 200, at: at(1) }], /^invalid location report: lng/],
      [
        'a location with nothing picked up',
        ({ rider }) => [topics.riderLocation(rider.id), { lat: 51.4, lng: -2.5, at: at(1) }],
        /has no delivery picked up or in transit$/,
      ],
    ];

    it.each(cases)('(%s)', async (_name, build, reason) => {
      const other = await storedRider(deps.store);
      const before = await deps.store.deliveries.findById(delivery.id);
      const [topic, payload] = build({ rider, delivery, other });

      const outcome = await send(topic, payload);

      expect(outcome.result).toBe('refused');
      expect(outcome).toMatchObject({ reason: expect.stringMatching(reason) });
      expect(await deps.store.deliveries.findById(delivery.id)).toEqual(before);
      const logged = log.lines.find((l) => l.msg === 'rider report refused');
      expect(logged).toMatchObject({ level: 40, riderId: topic.split('/')[1], reason: (outcome as { reason: string }).reason });
      if (topic.includes('/deliveries/')) expect(logged?.deliveryId).toBe(topic.split('/')[3]);

      expect(await send(statusTopic(), { status: 'picked_up', at: at(2) })).toMatchObject({ result: 'applied' });
      expect((await current()).status).toBe('picked_up');
    });
  });

  describe("when a report's time is outside the accepted window (30 s ahead, a day behind the server clock)", () => {
    const SERVER_TIME = '2026-11-26T12:00:00.000Z';
    let registry: Registry;
    beforeEach(() => {
      registry = new Registry();
      countRiderReports(registry, sut.ingest);
    });
    const counted = async (result: string) =>
      (await registry.getMetricsAsJSON()).find((m) => m.name === 'rider_reports_total')?.values.find((v) => v.labels.result === result)?.value ?? 0;
    const refusalLogged = () => log.lines.filter((l) => l.msg === 'rider report refused');

    it('when a rider reports a position dated 2099, then it is refused, logged and counted, and the next real position sets lastPosition and ETA', async () => {
      await send(statusTopic(), { status: 'picked_up', at: at(1), lat: 51.46, lng: -2.58 });
      const before = await current();
      const future = '2099-01-01T00:00:00.000Z';

      const outcome = await send(topics.riderLocation(rider.id), { lat: 10, lng: 10, at: future });

      expect(outcome).toMatchObject({ result: 'refused_future', riderId: rider.id, at: future, serverTime: SERVER_TIME });
      expect(await current()).toEqual(before);
      expect(refusalLogged()).toEqual([
        expect.objectContaining({
          level: 40,
          riderId: rider.id,
          kind: 'location',
          result: 'refused_future',
          at: future,
          serverTime: SERVER_TIME,
          reason: expect.stringMatching(/more than 30 s ahead/),
        }),
      ]);
      expect(await counted('refused_future')).toBe(1);

      const real = { lat: 51.455, lng: -2.59, at: at(2) };
      expect(await send(topics.riderLocation(rider.id), real)).toMatchObject({ result: 'applied', deliveryIds: [delivery.id] });
      const after = await current();
      expect(after.lastPosition).toEqual(real);
      expect(after.eta).toEqual(estimateArrival(real, { lat: delivery.address.lat!, lng: delivery.address.lng! }, TEST_SPEED_KMH));
    });

    it('when a rider reports a position from 3 days ago, then it is refused as too old and nothing changes', async () => {
      await send(statusTopic(), { status: 'picked_up', at: at(1) });
      const before = await current();
      const old = '2026-11-23T12:00:00.000Z';

      const outcome = await send(topics.riderLocation(rider.id), { lat: 51.4, lng: -2.5, at: old });

      expect(outcome).toMatchObject({ result: 'refused_too_old', at: old, serverTime: SERVER_TIME });
      expect(await current()).toEqual(before);
      expect(refusalLogged()).toEqual([expect.objectContaining({ riderId: rider.id, result: 'refused_too_old', at: old, serverTime: SERVER_TIME })]);
      expect(await counted('refused_too_old')).toBe(1);
    });

    it('when a status report is dated in the future, then the status does not change, and the same status dated now applies', async () => {
      const outcome = await send(statusTopic(), { status: 'picked_up', at: '2026-11-26T12:01:00.000Z', lat: 10, lng: 10 });

      expect(outcome).toMatchObject({ result: 'refused_future', deliveryId: delivery.id });
      expect(refusalLogged()[0]).toMatchObject({
        riderId: rider.id,
        deliveryId: delivery.id,
        kind: 'status',
        at: '2026-11-26T12:01:00.000Z',
        serverTime: SERVER_TIME,
      });
      expect((await current()).status).toBe('assigned');
      expect(await send(statusTopic(), { status: 'picked_up', at: at(3) })).toMatchObject({ result: 'applied' });
      expect((await current()).lastPosition).toBeNull();
    });
  });

  it('when the same report arrives twice (QoS 1 redelivery), then it is applied once', async () => {
    const report = { status: 'picked_up', at: at(1) };
    expect((await send(statusTopic(), report)).result).toBe('applied');
    expect((await send(statusTopic(), report)).result).toBe('duplicate');
    await send(topics.riderLocation(rider.id), { lat: 51.4, lng: -2.5, at: at(2) });
    expect((await send(topics.riderLocation(rider.id), { lat: 51.4, lng: -2.5, at: at(2) })).result).toBe('duplicate');
    const after = await current();
    expect(after.history.filter((h) => h.status === 'picked_up')).toHaveLength(1);
    expect(after.version).toBe(delivery.version + 2);
  });

  it('when the store fails for a while, then the report is retried until it applies once, and later reports wait behind it', async () => {
    const inner = deps.store.deliveries;
    let failures = 3;
    deps.store.deliveries = {
      ...inner,
      async update(next, expected, event) {
        if (failures > 0) {
          failures -= 1;
          throw new Error('store unavailable');
        }
        return inner.update(next, expected, event);
      },
    };
    await device.report(statusTopic(), { status: 'picked_up', at: at(1) });
    await device.report(statusTopic(), { status: 'in_transit', at: at(2) });

    await waitFor(() => sut.outcomes.length === 2, 'both reports to be processed');
    expect(sut.outcomes.map((o) => o.result)).toEqual(['applied', 'applied']);
    expect(failures).toBe(0);
    expect((await current()).history.map((h) => h.status)).toEqual(['awaiting_assignment', 'assigned', 'picked_up', 'in_transit']);
    expect(log.lines.filter((l) => l.msg === 'could not apply rider report; retrying')).toHaveLength(3);
  });

  it('when stopped while a report cannot be written, then it is not acknowledged and the next session applies it', async () => {
    const inner = deps.store.deliveries;
    deps.store.deliveries = { ...inner, update: async () => Promise.reject(new Error('store unavailable')) };
    await device.report(statusTopic(), { status: 'picked_up', at: at(1) });
    await waitFor(() => log.lines.some((l) => l.msg === 'could not apply rider report; retrying'), 'a failed attempt');
    const clientId = `delivery-ingest-test-${clientCount}`;
    await sut.ingest.stop();
    deps.store.deliveries = inner;

    sut = await startIngest(deps, broker.url, clientId);

    await waitFor(() => sut.outcomes.length === 1, 'the redelivered report');
    expect(sut.outcomes[0]).toMatchObject({ result: 'applied' });
    expect((await current()).status).toBe('picked_up');
  });
});
