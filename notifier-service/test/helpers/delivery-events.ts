import { randomUUID } from 'node:crypto';
import type {
  DeliveryArrivingEvent,
  DeliveryAssignedEvent,
  DeliveryCreatedEvent,
  DeliveryHistoryEntry,
  DeliveryLocationUpdatedEvent,
  DeliverySnapshot,
  DeliveryStatus,
  DeliveryStatusChangedEvent,
  Eta,
  RiderAssignmentsMessage,
} from '@orderpulse/contracts';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 26, 11, minute)).toISOString();

export const ADDRESS = { line1: '1 Main St', city: 'London', postcode: 'N1 9GU', country: 'GB', lat: 51.5362, lng: -0.1033 };

export function anEta(minutes: number, basedOnPositionAt = at(0)): Eta {
  return { at: at(minutes), minutes, distanceKm: minutes / 4, basedOnPositionAt };
}

type Rider = { id: string; name: string };
type SnapshotType = 'delivery.created' | 'delivery.assigned' | 'delivery.status_changed' | 'delivery.arriving';

/**
 * One delivery's events in the order delivery-service would emit them: each call moves the
 * delivery on and returns its event with the next version (1, 2, 3, …).
 */
export class DeliveryTimeline {
  readonly deliveryId: string;
  readonly orderId: string;
  readonly orderNumber: string;
  private version = 0;
  private status: DeliveryStatus = 'awaiting_assignment';
  private rider: Rider | null = null;
  private history: DeliveryHistoryEntry[] = [];
  private eta: Eta | null = null;
  private lastPosition: DeliverySnapshot['lastPosition'] = null;
  private failureReason: string | null = null;
  private arrivingAt: string | undefined;

  constructor(options: { orderId?: string; deliveryId?: string; orderNumber?: string } = {}) {
    this.orderId = options.orderId ?? randomUUID();
    this.deliveryId = options.deliveryId ?? randomUUID();
    this.orderNumber = options.orderNumber ?? 'OP-DLV0001';
  }

  created(): DeliveryCreatedEvent {
    this.history.push({ status: 'awaiting_assignment', at: at(this.version + 1) });
    return this.snapshotEvent('delivery.created');
  }

  assigned(rider: Rider): DeliveryAssignedEvent {
    this.rider = rider;
    this.status = 'assigned';
    this.history.push({ status: 'assigned', at: at(this.version + 1), note: `assigned to ${rider.name}` });
    return this.snapshotEvent('delivery.assigned');
  }

  statusChanged(status: DeliveryStatus, failureReason?: string): DeliveryStatusChangedEvent {
    this.status = status;
    if (failureReason) this.failureReason = failureReason;
    this.history.push({ status, at: at(this.version + 1) });
    return this.snapshotEvent('delivery.status_changed');
  }

  /** The rider came within the arrival radius: delivery.arriving with `arrivingAt` set. */
  arriving(): DeliveryArrivingEvent {
    this.arrivingAt = this.lastPosition?.at ?? at(this.version);
    return this.snapshotEvent('delivery.arriving');
  }

  located(position: { lat: number; lng: number; heading?: number }, eta?: Eta): DeliveryLocationUpdatedEvent {
    this.version += 1;
    this.lastPosition = { ...position, at: at(this.version) };
    this.eta = eta ?? null;
    return {
      id: randomUUID(),
      type: 'delivery.location_updated',
      orderId: this.orderId,
      version: this.version,
      occurredAt: at(this.version),
      data: { deliveryId: this.deliveryId, riderId: this.rider?.id ?? 'nobody', ...this.lastPosition, ...(eta ? { eta } : {}) },
    };
  }

  /** This delivery as an entry of a rider's assignment list. */
  assignment(status: DeliveryStatus = this.status): RiderAssignmentsMessage['deliveries'][number] {
    return { deliveryId: this.deliveryId, orderId: this.orderId, orderNumber: this.orderNumber, status, address: ADDRESS };
  }

  private snapshotEvent<T extends SnapshotType>(type: T) {
    this.version += 1;
    const data: DeliverySnapshot = {
      id: this.deliveryId,
      orderId: this.orderId,
      orderNumber: this.orderNumber,
      status: this.status,
      rider: this.rider,
      address: ADDRESS,
      history: [...this.history],
      lastPosition: this.lastPosition,
      eta: this.eta,
      failureReason: this.failureReason,
      ...(this.arrivingAt ? { arrivingAt: this.arrivingAt } : {}),
      version: this.version,
      createdAt: at(1),
      updatedAt: at(this.version),
    };
    return { id: randomUUID(), type, orderId: this.orderId, version: this.version, occurredAt: at(this.version), data };
  }
}
