import { describe, expect, it } from '@jest/globals';
import {
  allowedDeliveryTransitions,
  DELIVERY_STATUSES,
  deliveryAssignedEventSchema,
  deliveryStatusChangedEventSchema,
  RIDER_REPORTED_STATUSES,
  type DeliveryStatus,
} from '@orderpulse/contracts';
import { assignRider } from '../src/domain/assign-rider.js';
import { changeDeliveryStatus } from '../src/domain/change-delivery-status.js';
import { DeliveryNotFoundError, InvalidDeliveryTransitionError, RiderNotFoundError } from '../src/domain/delivery-errors.js';
import { assignedTo, storedDelivery, storedRider } from './support/stored.js';
import { testDeps } from './support/use-case-deps.js';

const NOW = new Date('2026-11-26T12:00:00.000Z');

describe('assign a rider', () => {
  it('when a delivery awaits assignment, then it is assigned with its delivery.assigned event at the next version', async () => {
    const deps = testDeps({ now: NOW });
    const rider = await storedRider(deps.store, { name: 'Rosa' });
    const delivery = await storedDelivery(deps.store);

    const result = await assignRider(deps, { deliveryId: delivery.id, riderId: rider.id });

    expect(result.changed).toBe(true);
    expect(result.delivery).toMatchObject({ status: 'assigned', rider: { id: rider.id, name: 'Rosa' }, version: 2, updatedAt: NOW.toISOString() });
    expect(result.delivery.history.at(-1)).toEqual({ status: 'assigned', at: NOW.toISOString() });
    const stored = await deps.store.deliveries.findById(delivery.id);
    expect(stored?.delivery).toEqual(result.delivery);
    expect(deliveryAssignedEventSchema.parse(stored?.pendingEvents[1])).toMatchObject({ version: 2, data: result.delivery });
    expect(deps.kicked).toEqual([delivery.id]);
  });

  it('when the same rider is assigned again, then nothing is written', async () => {
    const deps = testDeps();
    const rider = await storedRider(deps.store);
    const delivery = await storedDelivery(deps.store, assignedTo(rider));
    const result = await assignRider(deps, { deliveryId: delivery.id, riderId: rider.id });
    expect(result).toMatchObject({ changed: false, delivery });
    expect(await deps.store.deliveries.countPendingEvents()).toBe(1);
  });

  it('when another rider takes over before pick-up, then the history says from whom', async () => {
    const deps = testDeps({ now: NOW });
    const first = await storedRider(deps.store, { name: 'Rosa' });
    const second = await storedRider(deps.store, { name: 'Sam' });
    const delivery = await storedDelivery(deps.store, assignedTo(first));
    const result = await assignRider(deps, { deliveryId: delivery.id, riderId: second.id, note: 'Rosa is off sick' });
    expect(result.delivery.rider).toEqual({ id: second.id, name: 'Sam' });
    expect(result.delivery.history.at(-1)).toEqual({ status: 'assigned', at: NOW.toISOString(), note: `reassigned from Rosa (${first.id}); Rosa is off sick` });
  });

  it.each(['picked_up', 'in_transit', 'delivered', 'failed'] as const)(
    'when the delivery is %s, then assigning is refused as a conflict and nothing changes',
    async (status) => {
      const deps = testDeps();
      const rider = await storedRider(deps.store);
      const delivery = await storedDelivery(deps.store, { ...assignedTo(rider), status });
      const error = await assignRider(deps, { deliveryId: delivery.id, riderId: rider.id }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidDeliveryTransitionError);
      expect(error).toMatchObject({ kind: 'conflict', details: { from: status, to: 'assigned' } });
      expect((await deps.store.deliveries.findById(delivery.id))?.delivery).toEqual(delivery);
    },
  );

  it('when the rider or the delivery is unknown, then it is not found and nothing is written', async () => {
    const deps = testDeps();
    const rider = await storedRider(deps.store);
    const delivery = await storedDelivery(deps.store);
    await expect(assignRider(deps, { deliveryId: delivery.id, riderId: 'nobody' })).rejects.toBeInstanceOf(RiderNotFoundError);
    await expect(assignRider(deps, { deliveryId: '00000000-0000-4000-8000-000000000000', riderId: rider.id })).rejects.toBeInstanceOf(DeliveryNotFoundError);
    expect((await deps.store.deliveries.findById(delivery.id))?.delivery).toEqual(delivery);
  });
});

const reported = RIDER_REPORTED_STATUSES;
const fromStatuses: readonly DeliveryStatus[] = DELIVERY_STATUSES;
const allowed = fromStatuses.flatMap((from) => reported.filter((to) => allowedDeliveryTransitions(from).includes(to)).map((to) => [from, to] as const));
const refused = fromStatuses.flatMap((from) => reported.filter((to) => !allowedDeliveryTransitions(from).includes(to)).map((to) => [from, to] as const));

describe('an admin changes a delivery status', () => {
  it.each(allowed)('when moving %s → %s, then the delivery and its delivery.status_changed event are stored', async (from, to) => {
    const deps = testDeps({ now: NOW });
    const rider = await storedRider(deps.store);
    const delivery = await storedDelivery(deps.store, { ...assignedTo(rider), status: from });

    const reason = to === 'failed' ? 'address not found' : undefined;
    const { delivery: next } = await changeDeliveryStatus(deps, { deliveryId: delivery.id, status: to, note: 'by phone', ...(reason ? { reason } : {}) });

    expect(next).toMatchObject({ status: to, version: delivery.version + 1, failureReason: reason ?? null });
    expect(next.history.at(-1)).toEqual({ status: to, at: NOW.toISOString(), note: 'by phone' });
    const stored = await deps.store.deliveries.findById(delivery.id);
    expect(deliveryStatusChangedEventSchema.parse(stored?.pendingEvents.at(-1))).toMatchObject({ version: next.version, data: next });
  });

  it.each(refused)('when moving %s → %s, then it is refused as a conflict and nothing is written', async (from, to) => {
    const deps = testDeps();
    const rider = await storedRider(deps.store);
    const delivery = await storedDelivery(deps.store, { ...assignedTo(rider), status: from });
    const error = await changeDeliveryStatus(deps, { deliveryId: delivery.id, status: to }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidDeliveryTransitionError);
    expect(error).toMatchObject({ kind: 'conflict', details: { from, to, allowed: allowedDeliveryTransitions(from) } });
    expect(await deps.store.deliveries.findById(delivery.id)).toMatchObject({ delivery, pendingEvents: [expect.anything()] });
    expect(deps.kicked).toEqual([]);
  });

  it('when another writer changed the delivery first, then it re-reads and applies on top when still allowed', async () => {
    const deps = testDeps({ now: NOW });
    const rider = await storedRider(deps.store);
    const delivery = await storedDelivery(deps.store, assignedTo(rider, 'picked_up'));
    const inner = deps.store.deliveries;
    let rivalDone = false;
    deps.store.deliveries = {
      ...inner,
      async update(next, expected, event) {
        if (!rivalDone) {
          rivalDone = true;
          await changeDeliveryStatus({ ...deps, store: { ...deps.store, deliveries: inner } }, { deliveryId: delivery.id, status: 'in_transit' });
        }
        return inner.update(next, expected, event);
      },
    };

    const { delivery: next } = await changeDeliveryStatus(deps, { deliveryId: delivery.id, status: 'delivered' });

    expect(next.history.map((h) => h.status).slice(-2)).toEqual(['in_transit', 'delivered']);
    expect(next.version).toBe(delivery.version + 2);
  });
});
