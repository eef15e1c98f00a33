import { describe, expect, it } from '@jest/globals';
import { deliveryArrivingEventSchema, type DeliveryEvent } from '@orderpulse/contracts';
import { applyRiderLocation } from '../src/domain/apply-rider-location.js';
import { at, anAddress } from './support/factories.js';
import { assignedTo, storedDelivery, storedRider } from './support/stored.js';
import { TEST_ARRIVAL_RADIUS_M, testDeps } from './support/use-case-deps.js';

const NOW = new Date('2026-11-26T12:00:00.000Z');
const HOME = anAddress();
/** A point `metres` north of the address (1° of latitude is about 111,195 m on the sphere geo.ts uses). */
const north = (metres: number) => ({ lat: HOME.lat! + metres / 111_195, lng: HOME.lng! });
const report = (metres: number, minute: number) => ({ ...north(metres), at: at(minute) });

async function onTheRoad(status: 'picked_up' | 'in_transit' | 'assigned' = 'in_transit') {
  const deps = testDeps({ now: NOW });
  const rider = await storedRider(deps.store);
  const delivery = await storedDelivery(deps.store, assignedTo(rider, status));
  const events = async (): Promise<DeliveryEvent[]> => (await deps.store.deliveries.findById(delivery.id))?.pendingEvents ?? [];
  return { deps, rider, delivery, events };
}

describe('arrival: a rider position near the delivery address', () => {
  it('when positions come closer, then "arriving" is recorded at the first one within the radius, with one delivery.arriving carrying the snapshot', async () => {
    const { deps, rider, delivery, events } = await onTheRoad();

    await applyRiderLocation(deps, rider.id, report(900, 1));
    await applyRiderLocation(deps, rider.id, report(TEST_ARRIVAL_RADIUS_M + 20, 2));
    expect((await deps.store.deliveries.findById(delivery.id))?.delivery.arrivingAt).toBeUndefined();
    const outcome = await applyRiderLocation(deps, rider.id, report(TEST_ARRIVAL_RADIUS_M - 20, 3));

    const arriving = (await events()).filter((e) => e.type === 'delivery.arriving');
    expect(arriving).toHaveLength(1);
    const event = deliveryArrivingEventSchema.parse(arriving[0]);
    expect(event.data).toMatchObject({ id: delivery.id, arrivingAt: at(3), status: 'in_transit' });
    expect(event.version).toBe((await events()).find((e) => e.type === 'delivery.location_updated' && e.data.at === at(3))!.version + 1);
    expect(outcome.updated[0]).toEqual(event.data);
    expect((await deps.store.deliveries.findById(delivery.id))?.delivery).toEqual(event.data);
  });

  it('when the position then wanders in and out across the radius (GPS jitter), then "arriving" stays recorded once and nothing more is emitted', async () => {
    const { deps, rider, delivery, events } = await onTheRoad('picked_up');
    const distances = [100, 160, 140, 300, 120, 10];
    for (const [i, metres] of distances.entries()) await applyRiderLocation(deps, rider.id, report(metres, i + 1));

    expect((await events()).filter((e) => e.type === 'delivery.arriving')).toHaveLength(1);
    expect((await events()).filter((e) => e.type === 'delivery.location_updated')).toHaveLength(distances.length);
    expect((await deps.store.deliveries.findById(delivery.id))?.delivery.arrivingAt).toBe(at(1));
  });

  it('when the address has no coordinates, then no arrival is recorded however the rider moves', async () => {
    const deps = testDeps({ now: NOW });
    const rider = await storedRider(deps.store);
    const delivery = await storedDelivery(deps.store, { ...assignedTo(rider, 'in_transit'), address: anAddress({ lat: undefined, lng: undefined }) });
    await applyRiderLocation(deps, rider.id, report(5, 1));
    const stored = await deps.store.deliveries.findById(delivery.id);
    expect(stored?.delivery.arrivingAt).toBeUndefined();
    expect(stored?.pendingEvents.map((e) => e.type)).toEqual(['delivery.created', 'delivery.location_updated']);
  });

  it('when the radius is set smaller, then a position outside it is not arriving and one inside is', async () => {
    const { deps, rider, events } = await onTheRoad();
    deps.arrivalRadiusM = 50;
    await applyRiderLocation(deps, rider.id, report(80, 1));
    expect((await events()).some((e) => e.type === 'delivery.arriving')).toBe(false);
    await applyRiderLocation(deps, rider.id, report(40, 2));
    expect((await events()).filter((e) => e.type === 'delivery.arriving')).toHaveLength(1);
  });
});
