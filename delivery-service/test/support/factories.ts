import { randomUUID } from 'node:crypto';
import type {
  Address,
  DeliverySnapshot,
  DeliveryStatus,
  OrderCreatedEvent,
  OrderSnapshot,
  OrderStatus,
  OrderStatusChangedEvent,
  Rider,
} from '@orderpulse/contracts';
import { snapshotEvent } from '../../src/domain/delivery-events.js';

/** `minute` minutes after 10:00 on the test day, as ISO-8601. */
export function at(minute: number, second = 0): string {
  return new Date(Date.UTC(2026, 10, 26, 10, minute, second)).toISOString();
}

/** Bristol harbourside, with coordinates so an ETA can be computed. */
export function anAddress(overrides: Partial<Address> = {}): Address {
  return { line1: '12 Harbour Road', city: 'Bristol', postcode: 'BS1 5TY', country: 'GB', lat: 51.4495, lng: -2.5966, ...overrides };
}

export function aRider(overrides: Partial<Rider> = {}): Rider {
  const suffix = randomUUID().slice(0, 8);
  return { id: `rider-${suffix}`, name: `Rider ${suffix}`, createdAt: at(0), ...overrides };
}

function orderNumber(): string {
  return `OP-${randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase()}`;
}

/** A stored-looking delivery; each call gets distinct delivery and order ids. */
export function aDelivery(overrides: Partial<DeliverySnapshot> = {}): DeliverySnapshot {
  const createdAt = overrides.createdAt ?? at(0);
  const status: DeliveryStatus = overrides.status ?? 'awaiting_assignment';
  return {
    id: randomUUID(),
    orderId: randomUUID(),
    orderNumber: orderNumber(),
    status,
    rider: null,
    address: anAddress(),
    history: [{ status, at: createdAt }],
    lastPosition: null,
    eta: null,
    failureReason: null,
    version: 1,
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
}

export function anOrder(overrides: Partial<OrderSnapshot> = {}): OrderSnapshot {
  const createdAt = overrides.createdAt ?? at(0);
  return {
    id: randomUUID(),
    orderNumber: orderNumber(),
    customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
    items: [{ sku: 'TEA-1', name: 'Green tea', quantity: 2, unitPriceCents: 450 }],
    deliveryAddress: anAddress(),
    status: 'pending',
    trackingNumber: null,
    history: [{ status: 'pending', at: createdAt }],
    version: 1,
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
}

export function orderCreated(order: OrderSnapshot): OrderCreatedEvent {
  return { id: randomUUID(), type: 'order.created', orderId: order.id, version: 1, occurredAt: order.createdAt, data: order };
}

/** order.status_changed for `order` moving to `to` (default: shipped) at `version`. */
export function orderStatusChanged(order: OrderSnapshot, to: OrderStatus = 'shipped', version = 5): OrderStatusChangedEvent {
  return {
    id: randomUUID(),
    type: 'order.status_changed',
    orderId: order.id,
    version,
    occurredAt: at(version),
    data: { orderNumber: order.orderNumber, from: 'processing', to, trackingNumber: null, history: [{ status: to, at: at(version) }] },
  };
}

/** The delivery moved to `status` at `when`, at the next version, with the event announcing it. */
export function changed(delivery: DeliverySnapshot, status: DeliveryStatus, when: string) {
  const next: DeliverySnapshot = {
    ...delivery,
    status,
    rider: delivery.rider ?? { id: 'rider-1', name: 'Rosa' },
    history: [...delivery.history, { status, at: when }],
    version: delivery.version + 1,
    updatedAt: when,
  };
  return { next, event: snapshotEvent('delivery.status_changed', next) };
}
