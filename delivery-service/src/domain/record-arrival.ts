import { greatCircleKm, type DeliverySnapshot, type DeliveryStatus } from '@orderpulse/contracts';
import { snapshotEvent } from './delivery-events.js';
import type { DeliveryUseCaseDeps } from './delivery-use-case-deps.js';
import { writeDeliveryChange, type DeliveryWriteResult } from './write-delivery-change.js';

/** Only a parcel on its way can be arriving. */
const ARRIVING_WHILE: readonly DeliveryStatus[] = ['picked_up', 'in_transit'];

/** Metres from the delivery's last position to its address; undefined when either is unknown. */
export function metresToAddress(delivery: Pick<DeliverySnapshot, 'address' | 'lastPosition'>): number | undefined {
  const { lat, lng } = delivery.address;
  if (!delivery.lastPosition || lat === undefined || lng === undefined) return undefined;
  return greatCircleKm(delivery.lastPosition, { lat, lng }) * 1000;
}

/**
 * Whether this delivery should now record "arriving": on its way, not arriving yet, and its last
 * position within `radiusM` of the address. Once recorded it is never cleared, so a position
 * that wanders back and forth across the radius (GPS jitter at the edge) cannot make it flap:
 * one delivery.arriving per delivery.
 */
export function arrivesNow(delivery: DeliverySnapshot, radiusM: number): boolean {
  if (delivery.arrivingAt !== undefined || !ARRIVING_WHILE.includes(delivery.status)) return false;
  const metres = metresToAddress(delivery);
  return metres !== undefined && metres <= radiusM;
}

/**
 * After a position was applied: records "arriving" (the position's time) at the next version with
 * a delivery.arriving event carrying the snapshot, when `arrivesNow`. A separate write after the
 * position's: if this one is lost (a crash in between) the rider's next position, still near,
 * records it. Null when there is nothing to record.
 */
export async function recordArrivalIfNear(deps: DeliveryUseCaseDeps, delivery: DeliverySnapshot): Promise<DeliveryWriteResult | null> {
  if (!arrivesNow(delivery, deps.arrivalRadiusM)) return null;
  const now = deps.clock();
  const result = await writeDeliveryChange(deps, delivery.id, (current) => {
    if (!arrivesNow(current, deps.arrivalRadiusM) || !current.lastPosition) return { unchanged: 'not arriving, or already recorded' };
    const next: DeliverySnapshot = { ...current, arrivingAt: current.lastPosition.at, version: current.version + 1, updatedAt: now.toISOString() };
    return { next, event: snapshotEvent('delivery.arriving', next) };
  });
  if (result.changed) {
    deps.logger.info(
      {
        deliveryId: delivery.id,
        orderId: delivery.orderId,
        riderId: delivery.rider?.id,
        metres: Math.round(metresToAddress(result.delivery) ?? 0),
        radiusM: deps.arrivalRadiusM,
      },
      'rider arriving',
    );
  }
  return result;
}
