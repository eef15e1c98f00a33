import { randomUUID } from 'node:crypto';
import type { DeliveryEvent, DeliveryLocationUpdatedEvent, DeliverySnapshot, Position } from '@orderpulse/contracts';

type SnapshotEventType =
  | 'delivery.created'
  | 'delivery.assigned'
  | 'delivery.status_changed'
  | 'delivery.arriving'
  | 'delivery.proof_updated'
  | 'delivery.late'
  | 'delivery.stops_changed';

/** An event carrying the delivery's whole snapshot; `orderId` is the delivery's order, `version` the delivery's. */
export function snapshotEvent<T extends SnapshotEventType>(type: T, delivery: DeliverySnapshot): Extract<DeliveryEvent, { type: T }> {
  return {
    id: randomUUID(),
    type,
    orderId: delivery.orderId,
    version: delivery.version,
    occurredAt: delivery.updatedAt,
    data: delivery,
  } as Extract<DeliveryEvent, { type: T }>;
}

export function locationUpdatedEvent(delivery: DeliverySnapshot, riderId: string, position: Position): DeliveryLocationUpdatedEvent {
  return {
    id: randomUUID(),
    type: 'delivery.location_updated',
    orderId: delivery.orderId,
    version: delivery.version,
    occurredAt: delivery.updatedAt,
    data: { ...position, deliveryId: delivery.id, riderId, ...(delivery.eta ? { eta: delivery.eta } : {}) },
  };
}
