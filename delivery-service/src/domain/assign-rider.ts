import { snapshotEvent } from './delivery-events.js';
import { withRider } from './delivery-changes.js';
import { InvalidDeliveryTransitionError, RiderNotFoundError } from './delivery-errors.js';
import type { DeliveryUseCaseDeps } from './delivery-use-case-deps.js';
import { lastStopFor } from './rider-stops.js';
import { writeDeliveryChange, type DeliveryWriteResult } from './write-delivery-change.js';

export interface Assignment {
  deliveryId: string;
  riderId: string;
  note?: string;
}

/**
 * Gives a delivery awaiting assignment to a rider. Until it is picked up it may be handed to
 * another rider (the history says from whom); assigning it to the same rider again changes
 * nothing. Any later status: 409.
 */
export async function assignRider(deps: DeliveryUseCaseDeps, assignment: Assignment): Promise<DeliveryWriteResult> {
  const rider = await deps.store.riders.findById(assignment.riderId);
  if (!rider) throw new RiderNotFoundError(assignment.riderId);
  const now = deps.clock();
  // Issue 18 point 6: the rider's last stop, after those they already carry.
  const stop = await lastStopFor(deps, rider.id, assignment.deliveryId);
  return writeDeliveryChange(deps, assignment.deliveryId, (current) => {
    if (current.status === 'assigned' && current.rider?.id === rider.id) return { unchanged: 'already assigned to this rider' };
    if (current.status !== 'awaiting_assignment' && current.status !== 'assigned') {
      throw new InvalidDeliveryTransitionError(current.status, 'assigned');
    }
    const handover = current.rider ? `reassigned from ${current.rider.name} (${current.rider.id})` : undefined;
    const note = [handover, assignment.note].filter(Boolean).join('; ') || undefined;
    const next = { ...withRider(current, rider, now, note), ...stop };
    return { next, event: snapshotEvent('delivery.assigned', next) };
  });
}
