import type { DeliverySnapshot, Rider } from '@orderpulse/contracts';
import type { DeliveryStore } from '../../src/data-access/delivery-store.js';
import { snapshotEvent } from '../../src/domain/delivery-events.js';
import { aDelivery, aRider } from './factories.js';

/** A delivery inserted as it would be after the given history (its created event pending). */
export async function storedDelivery(store: DeliveryStore, overrides: Partial<DeliverySnapshot> = {}): Promise<DeliverySnapshot> {
  const delivery = aDelivery(overrides);
  await store.deliveries.insert(delivery, snapshotEvent('delivery.created', delivery));
  return delivery;
}

export async function storedRider(store: DeliveryStore, overrides: Partial<Rider> = {}): Promise<Rider> {
  const rider = aRider(overrides);
  await store.riders.insert(rider);
  return rider;
}

/** A delivery already assigned to `rider` in `status`, with a matching history. */
export function assignedTo(rider: Rider, status: DeliverySnapshot['status'] = 'assigned'): Partial<DeliverySnapshot> {
  const steps = ['awaiting_assignment', 'assigned', 'picked_up', 'in_transit'] as const;
  const upTo = steps.indexOf(status as (typeof steps)[number]);
  const history = steps.slice(0, upTo === -1 ? 2 : upTo + 1).map((s, i) => ({ status: s, at: new Date(Date.UTC(2026, 10, 26, 10, i)).toISOString() }));
  return { status, rider: { id: rider.id, name: rider.name }, history, version: history.length };
}
