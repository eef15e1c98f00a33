import { describe, expect, it } from '@jest/globals';
import { deliveryLocationUpdatedEventSchema, deliveryStatusChangedEventSchema, estimateArrival } from '@orderpulse/contracts';
import { applyRiderLocation } from '../src/domain/apply-rider-location.js';
import { applyRiderStatusReport } from '../src/domain/apply-rider-status-report.js';
import { DeliveryNotAssignedError, DeliveryNotFoundError, InvalidDeliveryTransitionError, NoDeliveryInProgressError } from '../src/domain/delivery-errors.js';
import { ReportTimeOutOfRangeError } from '../src/domain/report-time.js';
import { at } from './support/factories.js';
import { assignedTo, storedDelivery, storedRider } from './support/stored.js';
import { TEST_SPEED_KMH, testDeps } from './support/use-case-deps.js';

const NOW = new Date('2026-11-26T12:00:00.000Z');

describe('a rider reports a status', () => {
  it('when the rider reports picked_up with a position, then history, position and ETA change with one status event', async () => {
    const deps = testDeps({ now: NOW });
    const rider = await storedRider(deps.store);
    const delivery = await storedDelivery(deps.store, assignedTo(rider));

    const result = await applyRiderStatusReport(deps, {
      riderId: rider.id,
      deliveryId: delivery.id,
      report: { status: 'picked_up', at: at(5), lat: 51.46, lng: -2.58, note: 'at the depot' },
    });

    expect(result.changed).toBe(true);
    const position = { lat: 51.46, lng: -2.58, at: at(5) };
    expect(result.delivery).toMatchObject({ status: 'picked_up', lastPosition: position, version: delivery.version + 1, updatedAt: NOW.toISOString() });
    expect(result.delivery.history.at(-1)).toEqual({ status: 'picked_up', at: at(5), note: 'at the depot', lat: 51.46, lng: -2.58 });
    expect(result.delivery.eta).toEqual(estimateArrival(position, { lat: delivery.address.lat!, lng: delivery.address.lng! }, TEST_SPEED_KMH));
    const stored = await deps.store.deliveries.findById(delivery.id);
    expect(deliveryStatusChangedEventSchema.parse(stored?.pendingEvents.at(-1)).data).toEqual(result.delivery);
  });

  it('when the report time has an offset, then the history keeps it in UTC so a repeat is still recognised', async () => {
    const deps = testDeps();
    const rider = await storedRider(deps.store);
    const delivery = await storedDelivery(deps.store, assignedTo(rider));
    const report = { status: 'picked_up' as const, at: '2026-11-26T12:05:00+02:00' };
    const first = await applyRiderStatusReport(deps, { riderId: rider.id, deliveryId: delivery.id, report });
    expect(first.delivery.history.at(-1)?.at).toBe('2026-11-26T10:05:00.000Z');
    expect((await applyRiderStatusReport(deps, { riderId: rider.id, deliveryId: delivery.id, report })).changed).toBe(false);
  });

  it('when the same report arrives again (QoS 1 redelivery), then nothing is written', async () => {
    const deps = testDeps();
    const rider = await storedRider(deps.store);
    const delivery = await storedDelivery(deps.store, assignedTo(rider));
    const report = { riderId: rider.id, deliveryId: delivery.id, report: { status: 'picked_up' as const, at: at(5) } };
    await applyRiderStatusReport(deps, report);
    const before = await deps.store.deliveries.findById(delivery.id);

    const again = await applyRiderStatusReport(deps, report);

    expect(again).toMatchObject({ changed: false, why: 'repeat of a report already applied' });
    expect(await deps.store.deliveries.findById(delivery.id)).toEqual(before);
  });

  it('when a report with an id arrives again after later reports, then it is recognised by its id and nothing is written', async () => {
    const deps = testDeps();
    const rider = await storedRider(deps.store);
    const delivery = await storedDelivery(deps.store, assignedTo(rider));
    const pickedUp = {
      riderId: rider.id,
      deliveryId: delivery.id,
      report: { status: 'picked_up' as const, at: at(5), reportId: '6f1e5a5e-8a4b-4c53-9d3f-1c2b3a4d5e6f' },
    };
    const first = await applyRiderStatusReport(deps, pickedUp);
    expect(first.delivery.history.at(-1)).toEqual({ status: 'picked_up', at: at(5), reportId: pickedUp.report.reportId });
    await applyRiderStatusReport(deps, {
      riderId: rider.id,
      deliveryId: delivery.id,
      report: { status: 'in_transit', at: at(6), reportId: '0b7c4d0e-3f1a-4e2b-8c9d-5a6b7c8d9e0f' },
    });
    const before = await deps.store.deliveries.findById(delivery.id);

    // The device sends its queue again (the broker took it, the acknowledgement was lost), with
    // a time rewritten by a buggy clock: the id alone says it is the same report.
    const again = await applyRiderStatusReport(deps, { ...pickedUp, report: { ...pickedUp.report, at: at(7) } });

    expect(again).toMatchObject({ changed: false, why: 'repeat of a report already applied' });
    expect(await deps.store.deliveries.findById(delivery.id)).toEqual(before);
    const stored = deliveryStatusChangedEventSchema.parse(before?.pendingEvents.at(-1));
    expect(stored.data.history.map((h) => h.reportId).filter(Boolean)).toHaveLength(2);
  });

  it('when the same status comes with another time, then it is an invalid transition, not a repeat', async () => {
    const deps = testDeps();
    const rider = await storedRider(deps.store);
    const delivery = await storedDelivery(deps.store, assignedTo(rider, 'picked_up'));
    const error = await applyRiderStatusReport(deps, { riderId: rider.id, deliveryId: delivery.id, report: { status: 'picked_up', at: at(30) } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidDeliveryTransitionError);
  });

  it('when the delivery is assigned to someone else, or unknown, or the transition is invalid, then it is refused and nothing changes', async () => {
    const deps = testDeps();
    const rider = await storedRider(deps.store);
    const other = await storedRider(deps.store);
    const delivery = await storedDelivery(deps.store, assignedTo(rider));
    const before = await deps.store.deliveries.findById(delivery.id);
    const attempt = (riderId: string, deliveryId: string, status: 'picked_up' | 'delivered') =>
      applyRiderStatusReport(deps, { riderId, deliveryId, report: { status, at: at(5) } }).catch((e: unknown) => e);

    expect(await attempt(other.id, delivery.id, 'picked_up')).toBeInstanceOf(DeliveryNotAssignedError);
    expect(await attempt(rider.id, '00000000-0000-4000-8000-000000000000', 'picked_up')).toBeInstanceOf(DeliveryNotFoundError);
    expect(await attempt(rider.id, 'not-a-uuid', 'picked_up')).toBeInstanceOf(DeliveryNotFoundError);
    expect(await attempt(rider.id, delivery.id, 'delivered')).toBeInstanceOf(InvalidDeliveryTransitionError);
    expect(await deps.store.deliveries.findById(delivery.id)).toEqual(before);
    expect(deps.kicked).toEqual([]);
  });

  it('when a rider reports failed, then the note becomes the failure reason', async () => {
    const deps = testDeps();
    const rider = await storedRider(deps.store);
    const delivery = await storedDelivery(deps.store, assignedTo(rider, 'in_transit'));
    const { delivery: failed } = await applyRiderStatusReport(deps, {
      riderId: rider.id,
      deliveryId: delivery.id,
      report: { status: 'failed', at: at(9), note: 'nobody home' },
    });
    expect(failed).toMatchObject({ status: 'failed', failureReason: 'nobody home', eta: null });
  });
});

describe('a rider reports a location', () => {
  it('when the rider carries two deliveries, then both get the position, an ETA and a location event; assigned ones do not', async () => {
    const deps = testDeps({ now: NOW });
    const rider = await storedRider(deps.store);
    const picked = await storedDelivery(deps.store, assignedTo(rider, 'picked_up'));
    const moving = await storedDelivery(deps.store, assignedTo(rider, 'in_transit'));
    const waiting = await storedDelivery(deps.store, assignedTo(rider, 'assigned'));
    const position = { lat: 51.46, lng: -2.58, heading: 180, at: at(7) };

    const outcome = await applyRiderLocation(deps, rider.id, position);

    expect(outcome.unchanged).toBe(0);
    expect(outcome.updated.map((d) => d.id).sort()).toEqual([picked.id, moving.id].sort());
    for (const delivery of [picked, moving]) {
      const stored = await deps.store.deliveries.findById(delivery.id);
      expect(stored?.delivery).toMatchObject({ lastPosition: position, version: delivery.version + 1 });
      const expectedEta = estimateArrival(position, { lat: delivery.address.lat!, lng: delivery.address.lng! }, TEST_SPEED_KMH);
      expect(stored?.delivery.eta).toEqual(expectedEta);
      const event = deliveryLocationUpdatedEventSchema.parse(stored?.pendingEvents.at(-1));
      expect(event).toMatchObject({ orderId: delivery.orderId, version: delivery.version + 1 });
      expect(event.data).toEqual({ ...position, deliveryId: delivery.id, riderId: rider.id, eta: expectedEta });
    }
    expect((await deps.store.deliveries.findById(waiting.id))?.delivery).toEqual(waiting);
  });

  it('when the address has no coordinates, then the location event carries no ETA', async () => {
    const deps = testDeps();
    const rider = await storedRider(deps.store);
    const delivery = await storedDelivery(deps.store, {
      ...assignedTo(rider, 'in_transit'),
      address: { line1: '1 Main St', city: 'Leeds', postcode: 'LS1 1AA', country: 'GB' },
    });
    await applyRiderLocation(deps, rider.id, { lat: 53.8, lng: -1.55, at: at(7) });
    const event = deliveryLocationUpdatedEventSchema.parse((await deps.store.deliveries.findById(delivery.id))?.pendingEvents.at(-1));
    expect(event.data).not.toHaveProperty('eta');
  });

  it('when the same or an older position arrives, then nothing is written', async () => {
    const deps = testDeps();
    const rider = await storedRider(deps.store);
    const delivery = await storedDelivery(deps.store, assignedTo(rider, 'in_transit'));
    await applyRiderLocation(deps, rider.id, { lat: 51.46, lng: -2.58, at: at(7) });
    const before = await deps.store.deliveries.findById(delivery.id);

    expect(await applyRiderLocation(deps, rider.id, { lat: 51.46, lng: -2.58, at: at(7) })).toEqual({ updated: [], unchanged: 1 });
    expect(await applyRiderLocation(deps, rider.id, { lat: 51.0, lng: -2.0, at: at(6) })).toEqual({ updated: [], unchanged: 1 });
    expect(await deps.store.deliveries.findById(delivery.id)).toEqual(before);
  });

  it('when a location report carries a report id, then the stored position and the event carry only the position', async () => {
    const deps = testDeps();
    const rider = await storedRider(deps.store);
    const delivery = await storedDelivery(deps.store, assignedTo(rider, 'in_transit'));
    const report = { lat: 51.46, lng: -2.58, at: at(7), reportId: '6f1e5a5e-8a4b-4c53-9d3f-1c2b3a4d5e6f' };
    expect((await applyRiderLocation(deps, rider.id, report)).updated).toHaveLength(1);
    expect(await applyRiderLocation(deps, rider.id, report)).toEqual({ updated: [], unchanged: 1 });
    const stored = await deps.store.deliveries.findById(delivery.id);
    expect(stored?.delivery.lastPosition).toEqual({ lat: 51.46, lng: -2.58, at: at(7) });
    const locationEvents = stored?.pendingEvents.filter((e) => e.type === 'delivery.location_updated') ?? [];
    expect(locationEvents).toHaveLength(1);
    expect(locationEvents[0]?.data).not.toHaveProperty('reportId');
  });

  it('when the rider has nothing picked up or in transit, then the position is refused', async () => {
    const deps = testDeps();
    const rider = await storedRider(deps.store);
    await storedDelivery(deps.store, assignedTo(rider, 'assigned'));
    await expect(applyRiderLocation(deps, rider.id, { lat: 51.46, lng: -2.58, at: at(7) })).rejects.toBeInstanceOf(NoDeliveryInProgressError);
    expect(deps.kicked).toEqual([]);
  });
});

describe("a rider report's time", () => {
  const seconds = (s: number) => new Date(NOW.getTime() + s * 1000).toISOString();

  it('when it is up to 30 s ahead or up to a day behind the server clock, then it applies; one second further, it is refused before anything is read', async () => {
    const deps = testDeps({ now: NOW });
    const rider = await storedRider(deps.store);
    const delivery = await storedDelivery(deps.store, assignedTo(rider, 'in_transit'));
    const locate = (at: string) => applyRiderLocation(deps, rider.id, { lat: 51.46, lng: -2.58, at }).catch((e: unknown) => e);

    expect(await locate(seconds(-24 * 3600 - 1))).toMatchObject({ verdict: 'too_old', at: seconds(-24 * 3600 - 1), serverTime: NOW.toISOString() });
    expect(await locate(seconds(-24 * 3600))).toMatchObject({ updated: [expect.objectContaining({ id: delivery.id })] });
    expect(await locate(seconds(31))).toBeInstanceOf(ReportTimeOutOfRangeError);
    expect(await locate(seconds(30))).toMatchObject({ updated: [expect.objectContaining({ lastPosition: expect.objectContaining({ at: seconds(30) }) })] });
    const unassigned = applyRiderStatusReport(deps, { riderId: 'nobody', deliveryId: delivery.id, report: { status: 'delivered', at: seconds(31) } });
    await expect(unassigned).rejects.toMatchObject({ verdict: 'future' });
  });

  it('when a position dated far ahead was stored before the check existed, then a real position still replaces it', async () => {
    const deps = testDeps({ now: NOW });
    const rider = await storedRider(deps.store);
    const frozen = { lat: 10, lng: 10, at: '2099-01-01T00:00:00.000Z' };
    const delivery = await storedDelivery(deps.store, { ...assignedTo(rider, 'in_transit'), lastPosition: frozen });

    const outcome = await applyRiderLocation(deps, rider.id, { lat: 51.46, lng: -2.58, at: at(50) });

    expect(outcome.updated).toHaveLength(1);
    const stored = (await deps.store.deliveries.findById(delivery.id))?.delivery;
    expect(stored?.lastPosition).toEqual({ lat: 51.46, lng: -2.58, at: at(50) });
    expect(stored?.eta).toMatchObject({ basedOnPositionAt: at(50) });
  });
});
