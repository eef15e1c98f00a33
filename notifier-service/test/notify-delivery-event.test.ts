import { describe, it, expect } from '@jest/globals';
import { createMetricsRegistry } from '@orderpulse/service-kit';
import { inMemoryPublishedLedger, inMemoryTrackingStore } from '../src/ledger/in-memory-ledger.js';
import { createNotifierMetrics } from '../src/metrics.js';
import { createDeliveryEventNotifier } from '../src/notify/notify-delivery-event.js';
import type { RefreshCause } from '../src/notify/refresh-rider-assignments.js';
import { createSerialByKey } from '../src/routing/serial-by-key.js';
import { captureLogger } from './helpers/capture-logger.js';
import { anEta, DeliveryTimeline } from './helpers/delivery-events.js';
import { fakePublisher, tick } from './helpers/fake-publisher.js';

const ANN = { id: 'rider-ann', name: 'Ann' };

function setup(refresh: (riderId: string, cause: RefreshCause) => Promise<void> = async () => undefined) {
  const fake = fakePublisher();
  const refreshes: Array<{ riderId: string; cause: RefreshCause }> = [];
  const tracking = inMemoryTrackingStore(100);
  const log = captureLogger();
  const notify = createDeliveryEventNotifier({
    publisher: fake.publisher,
    published: inMemoryPublishedLedger(100),
    tracking,
    refreshRider: (riderId, cause) => {
      refreshes.push({ riderId, cause });
      return refresh(riderId, cause);
    },
    serial: createSerialByKey(),
    logger: log.logger,
    metrics: createNotifierMetrics(createMetricsRegistry('test')),
    maxPayloadBytes: 16_384,
  });
  /** Runs the handler, acking every PUBACK it asks for until it settles. */
  const notifyAcked = async (event: Parameters<typeof notify>[0]) => {
    let settled = false;
    const done = notify(event).finally(() => (settled = true));
    while (!settled) {
      await tick();
      fake.ackAll();
    }
    return done;
  };
  return { notify, notifyAcked, refreshes, tracking, log, ...fake };
}

describe('createDeliveryEventNotifier', () => {
  it('when a delivery is assigned, then the handler resolves only after the tracking and feed PUBACKs and the rider refresh', async () => {
    const { notify, pending, refreshes, tracking } = setup();
    const t = new DeliveryTimeline();
    t.created();
    let resolved = false;
    const done = notify(t.assigned(ANN)).then(() => (resolved = true));
    await tick();
    expect(pending.map((p) => p.message.kind)).toEqual(['order-tracking', 'admin-feed']);
    expect(refreshes).toEqual([{ riderId: ANN.id, cause: { eventId: expect.any(String), orderId: t.orderId, deliveryId: t.deliveryId } }]);
    pending[0]!.ack();
    await tick();
    expect(resolved).toBe(false);
    pending[1]!.ack();
    await done;
    expect(await tracking.get(t.orderId)).toMatchObject({ deliveryId: t.deliveryId, version: 2, rider: ANN });
  });

  it("when the rider's list cannot be fetched, then it rejects only after its publishes settled, remembers nothing, and the redelivery publishes again", async () => {
    let fail = true;
    const { notify, notifyAcked, pending, acked, tracking } = setup(async () => {
      if (fail) throw new Error('delivery-service answered 503');
    });
    const t = new DeliveryTimeline();
    const assigned = (t.created(), t.assigned(ANN));
    let settled = false;
    const first = notify(assigned).finally(() => (settled = true));
    first.catch(() => undefined);
    await tick();
    expect(settled).toBe(false); // the tracking PUBACK is still outstanding
    pending.splice(0).forEach((p) => p.ack());
    await expect(first).rejects.toThrow('503');
    expect(await tracking.get(t.orderId)).toBeUndefined();

    fail = false;
    await notifyAcked(assigned);
    expect(acked.filter((m) => m.kind === 'order-tracking')).toHaveLength(2);
    expect(await tracking.get(t.orderId)).toMatchObject({ version: 2 });
  });

  it('when positions follow a snapshot in order, then each republishes the remembered tracking with its ETA', async () => {
    const { notifyAcked, acked } = setup();
    const t = new DeliveryTimeline();
    await notifyAcked(t.created());
    await notifyAcked(t.located({ lat: 51.5, lng: -0.1 }, anEta(20)));
    await notifyAcked(t.located({ lat: 51.52, lng: -0.1 }, anEta(10)));
    const trackings = acked.filter((m) => m.kind === 'order-tracking').map((m) => JSON.parse(m.payload));
    expect(trackings.map((p) => [p.version, p.eta?.minutes])).toEqual([
      [1, undefined],
      [2, 20],
      [3, 10],
    ]);
    expect(acked.filter((m) => m.kind === 'order-location')).toHaveLength(2);
  });

  it('when a position skips a version, then only its location goes out (the gap may be a status change), and an older position is dropped as stale', async () => {
    const { notifyAcked, acked, log } = setup();
    const t = new DeliveryTimeline();
    await notifyAcked(t.created());
    const older = t.located({ lat: 51.5, lng: -0.1 }, anEta(20));
    const newer = t.located({ lat: 51.52, lng: -0.1 }, anEta(10));
    await notifyAcked(newer);
    await notifyAcked(older);
    expect(acked.filter((m) => m.kind === 'order-tracking').map((m) => JSON.parse(m.payload).version)).toEqual([1]);
    expect(acked.filter((m) => m.kind === 'order-location').map((m) => JSON.parse(m.payload).version)).toEqual([3]);
    expect(log.lines).toContainEqual(expect.objectContaining({ reason: 'stale', deliveryId: t.deliveryId, eventId: older.id, riderId: 'nobody' }));
  });

  it('when two status changes fail after their tracking went out, then the older one retried publishes nothing, a position meanwhile does not overtake them, and the newer one lands last', async () => {
    let fail = false;
    const { notifyAcked, acked, tracking } = setup(async () => {
      if (fail) throw new Error('delivery-service did not answer');
    });
    const t = new DeliveryTimeline();
    await notifyAcked(t.created());
    await notifyAcked(t.assigned(ANN));
    const pickedUp = t.statusChanged('picked_up');
    const inTransit = t.statusChanged('in_transit');
    const position = t.located({ lat: 51.5, lng: -0.1 }, anEta(8));
    fail = true;
    await expect(notifyAcked(pickedUp)).rejects.toThrow('did not answer');
    await expect(notifyAcked(inTransit)).rejects.toThrow('did not answer');
    await notifyAcked(position);
    fail = false;
    await notifyAcked(pickedUp);
    await notifyAcked(inTransit);

    const trackings = acked.filter((m) => m.kind === 'order-tracking').map((m) => JSON.parse(m.payload) as { version: number; status: string });
    expect(trackings.map((p) => `${p.version} ${p.status}`)).toEqual(['1 awaiting_assignment', '2 assigned', '3 picked_up', '4 in_transit', '4 in_transit']);
    expect(acked.filter((m) => m.kind === 'order-location').map((m) => JSON.parse(m.payload).version)).toEqual([5]);
    expect(await tracking.get(t.orderId)).toMatchObject({ status: 'in_transit', version: 4 });
  });

  it("when two deliveries share an order, then each delivery's versions are judged on their own", async () => {
    const { notifyAcked, acked } = setup();
    const first = new DeliveryTimeline();
    first.created();
    first.assigned(ANN);
    const second = new DeliveryTimeline({ orderId: first.orderId });
    await notifyAcked(first.statusChanged('failed', 'bike broke'));
    await notifyAcked(second.created());
    const trackings = acked.filter((m) => m.kind === 'order-tracking').map((m) => JSON.parse(m.payload));
    expect(trackings.map((p) => [p.deliveryId, p.version])).toEqual([
      [first.deliveryId, 3],
      [second.deliveryId, 1],
    ]);
  });
});
