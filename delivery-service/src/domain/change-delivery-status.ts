import { canTransitionDelivery, type RiderReportedStatus } from '@orderpulse/contracts';
import { snapshotEvent } from './delivery-events.js';
import { withStatus } from './delivery-changes.js';
import { InvalidDeliveryTransitionError } from './delivery-errors.js';
import type { DeliveryUseCaseDeps } from './delivery-use-case-deps.js';
import { writeDeliveryChange, type DeliveryWriteResult } from './write-delivery-change.js';

export interface AdminStatusChange {
  deliveryId: string;
  status: RiderReportedStatus;
  note?: string;
  /** Required by the route for `failed`. */
  reason?: string;
}

/** An admin moves a delivery along the status machine (assignment has its own use case); 409 when not allowed. */
export async function changeDeliveryStatus(deps: DeliveryUseCaseDeps, change: AdminStatusChange): Promise<DeliveryWriteResult> {
  const now = deps.clock();
  return writeDeliveryChange(deps, change.deliveryId, (current) => {
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
}
