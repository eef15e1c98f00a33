import { randomUUID } from 'node:crypto';
import type { DeliverySnapshot, DeliveryStatus, OrderCreatedEvent, OrderSnapshot, OrderStatus, OrderStatusChangedEvent } from '@orderpulse/contracts';
import { mailIdOf, type MailIntent, type Recipient } from '../../src/data-access/mail-store.js';
import type { MailKind } from '../../src/domain/mail-kinds.js';

/** `minute` minutes after 10:00 on the test day, as ISO-8601. */
export function at(minute: number, second = 0): string {
  return new Date(Date.UTC(2026, 10, 26, 10, minute, second)).toISOString();
}

function orderNumber(): string {
  return `OP-${randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase()}`;
}

export function anOrder(overrides: Partial<OrderSnapshot> = {}): OrderSnapshot {
  const createdAt = overrides.createdAt ?? at(0);
  return {
    id: randomUUID(),
    orderNumber: orderNumber(),
    customer: { name: 'Ada Lovelace', email: `ada-${randomUUID().slice(0, 8)}@example.com` },
    items: [{ sku: 'TEA-1', name: 'Green tea', quantity: 2, unitPriceCents: 450 }],
    deliveryAddress: { line1: '12 Harbour Road', city: 'Bristol', postcode: 'BS1 5TY', country: 'GB', lat: 51.4495, lng: -2.5966 },
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

export function orderStatusChanged(order: OrderSnapshot, to: OrderStatus, version = 5): OrderStatusChangedEvent {
  return {
    id: randomUUID(),
    type: 'order.status_changed',
    orderId: order.id,
    version,
    occurredAt: at(version),
    data: { orderNumber: order.orderNumber, from: 'shipped', to, trackingNumber: null, history: [{ status: to, at: at(version) }] },
  };
}

export function aDeliveryOf(order: OrderSnapshot, overrides: Partial<DeliverySnapshot> = {}): DeliverySnapshot {
  const status: DeliveryStatus = overrides.status ?? 'in_transit';
  return {
    id: randomUUID(),
    orderId: order.id,
    orderNumber: order.orderNumber,
    status,
    rider: { id: 'rider-1', name: 'Rosa' },
    address: order.deliveryAddress,
    history: [{ status, at: at(30) }],
    lastPosition: null,
    eta: null,
    failureReason: null,
    version: 4,
    createdAt: at(20),
    updatedAt: at(30),
    ...overrides,
  };
}

/**
 * A delivery event with the delivery-snapshot shape: delivery.status_changed, or the types issue 18
 * adds to contracts (delivery.arriving, delivery.late), by type string.
 */
export function deliveryEvent(type: string, delivery: DeliverySnapshot, version = delivery.version) {
  return { id: randomUUID(), type, orderId: delivery.orderId, version, occurredAt: delivery.updatedAt, data: { ...delivery, version } };
}

export function aRecipient(overrides: Partial<Omit<Recipient, 'unsubscribedAt'>> = {}): Omit<Recipient, 'unsubscribedAt'> {
  return { orderId: randomUUID(), orderNumber: orderNumber(), name: 'Ada Lovelace', email: 'ada@example.com', ...overrides };
}

export function anIntent(overrides: Partial<MailIntent> & { kind?: MailKind } = {}): MailIntent {
  const orderId = overrides.orderId ?? randomUUID();
  const kind = overrides.kind ?? 'placed';
  return {
    id: mailIdOf(orderId, kind),
    orderId,
    kind,
    eventId: randomUUID(),
    details: {},
    state: 'pending',
    attempts: 1,
    recordedAt: at(0),
    nextAttemptAt: at(2),
    sentAt: null,
    messageId: null,
    lastError: null,
    ...overrides,
  };
}
