import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { topics, type DeliverySnapshot, type Rider } from '@orderpulse/contracts';
import { nextEvent, waitFor } from '@orderpulse/service-kit/testing';
import type { RiderMessageOutcome } from '../src/ingest/rider-message-handler.js';
import { startAedes, type InProcessBroker } from './support/aedes-broker.js';
import { captureLogger, type CapturedLogger } from './support/capture-logger.js';
import { at } from './support/factories.js';
import { connectRider, startIngest, testTokens, type IngestUnderTest, type RiderDevice } from './support/ingest-under-test.js';
import { assignedTo, storedDelivery, storedRider } from './support/stored.js';
import { testDeps, type TestDeps } from './support/use-case-deps.js';

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
    expect(await send(topics.riderLocation(rider.id), { lat: 51.455, lng: -2.59, heading: 200, at: at(2) })).toMatchObject({ result: 'applied', deliveryIds: [delivery.id] });
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
      ['an unknown status', ({ rider, delivery }) => [topics.riderDeliveryStatus(rider.id, delivery.id), { status: 'teleported', at: at(1) }], /^invalid status report: status/],
      ['a status with an out-of-range position', ({ rider, delivery }) => [topics.riderDeliveryStatus(rider.id, delivery.id), { status: 'picked_up', at: at(1), lat: 123, lng: 0 }], /^invalid status report: lat/],
      ['a status without a time', ({ rider, delivery }) => [topics.riderDeliveryStatus(rider.id, delivery.id), { status: 'picked_up' }], /^invalid status report: at/],
      ['an invalid transition', ({ rider, delivery }) => [topics.riderDeliveryStatus(rider.id, delivery.id), { status: 'delivered', at: at(1) }], /^cannot change a delivery from assigned to delivered/],
      ["a status for another rider's delivery", ({ other, delivery }) => [topics.riderDeliveryStatus(other.id, delivery.id), { status: 'picked_up', at: at(1) }], /is not assigned to rider/],
      ['a status for an unknown delivery', ({ rider }) => [topics.riderDeliveryStatus(rider.id, '00000000-0000-4000-8000-000000000000'), { status: 'picked_up', at: at(1) }], /not found$/],
      ['an out-of-range location', ({ rider }) => [topics.riderLocation(rider.id), { lat: 0, lng: 200, at: at(1) }], /^invalid location report: lng/],
      ['a location with nothing picked up', ({ rider }) => [topics.riderLocation(rider.id), { lat: 51.4, lng: -2.5, at: at(1) }], /has no delivery picked up or in transit$/],
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
