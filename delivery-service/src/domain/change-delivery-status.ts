import { canTransitionDelivery, type RiderReportedStatus } from '@orderpulse/contracts';
import { snapshotEvent } from './delivery-events.js';
import { withStatus } from './delivery-changes.js';
import { InvalidDeliveryTransitionError } from './delivery-errors.js';
import type { DeliveryUseCaseDeps } from './delivery-use-case-deps.js';
import { writeDeliveryChange, type DeliveryWriteResult } from './write-delivery-change.js';
import { proofSatisfied } from './proof-of-delivery.js';

export interface AdminStatusChange {
  deliveryId: string;
  status: RiderReportedStatus;
  note?: string;
  /** Required by the route for `failed`. */
  reason?: string;
}

/**
 * An admin moves a delivery along the status machine (assignment has its own use case); 409 when
 * not allowed. An admin may mark a delivery delivered without the proof a rider would need (a PIN
 * locked after wrong ones, a phone that cannot take photos): logged as such.
 */
export async function changeDeliveryStatus(deps: DeliveryUseCaseDeps, change: AdminStatusChange): Promise<DeliveryWriteResult> {
  const now = deps.clock();
  const result = await writeDeliveryChange(deps, change.deliveryId, (current) => {
    if (!canTransitionDelivery(current.status, change.status)) throw new InvalidDeliveryTransitionError(current.status, change.status);
    const next = withStatus(
      current,
      {
        status: change.status,
        at: now.toISOString(),
        ...(change.note !== undefined ? { note: change.note } : {}),
        ...(change.reason !== undefined ? { reason: change.reason } : {}),
      },
      now,
      deps.averageSpeedKmh,
    );
    return { next, event: snapshotEvent('delivery.status_changed', next) };
  });
  if (result.changed && change.status === 'delivered' && !proofSatisfied(result.delivery)) {
    deps.logger.warn(
      { deliveryId: change.deliveryId, orderId: result.delivery.orderId, required: result.delivery.proof?.required },
      'delivered by an admin without the required proof',
    );
  }
  return result;
}
