import { randomUUID } from 'node:crypto';
import type { OrderCreatedEvent, OrderSnapshot, OrderStatus, OrderStatusChangedEvent } from '@orderpulse/contracts';
import type { NewOrder } from '../../src/domain/create-order.js';
import { generateOrderNumber } from '../../src/domain/order-number.js';

export function aNewOrder(overrides: Partial<NewOrder> = {}): NewOrder {
  return {
    customer: { name: 'Ada Lovelace', email: 'Ada@Example.com' },
    items: [{ sku: 'TEA-1', name: 'Green tea', quantity: 2, unitPriceCents: 450 }],
    deliveryAddress: { line1: '1 Main St', city: 'London', postcode: 'N1 9GU', country: 'GB', lat: 51.53, lng: -0.12 },
    ...overrides,
  };
}

/** A stored-looking order; each call gets a distinct id and order number. */
export function anOrder(overrides: Partial<OrderSnapshot> = {}): OrderSnapshot {
  const at = overrides.createdAt ?? '2026-11-26T10:00:00.000Z';
  const status = overrides.status ?? 'pending';
  return {
    id: randomUUID(),
    orderNumber: generateOrderNumber(),
    ...aNewOrder(),
    status,
    trackingNumber: null,
    history: [{ status, at }],
    version: 1,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

export function createdEventOf(order: OrderSnapshot): OrderCreatedEvent {
  return { id: randomUUID(), type: 'order.created', orderId: order.id, version: order.version, occurredAt: order.createdAt, data: order };
}

/** The order after moving to `to` at `at`, and the event announcing it. */
export function changedTo(order: OrderSnapshot, to: OrderStatus, at: string): { next: OrderSnapshot; event: OrderStatusChangedEvent } {
  const next: OrderSnapshot = {
    ...order,
    status: to,
    history: [...order.history, { status: to, at }],
    version: order.version + 1,
    updatedAt: at,
  };
  const event: OrderStatusChangedEvent = {
    id: randomUUID(),
    type: 'order.status_changed',
    orderId: order.id,
    version: next.version,
    occurredAt: at,
    data: { orderNumber: order.orderNumber, from: order.status, to, trackingNumber: next.trackingNumber, history: next.history },
  };
  return { next, event };
}

/** `minute` minutes after 10:00 on the test day, as ISO-8601. */
export function at(minute: number): string {
  return new Date(Date.UTC(2026, 10, 26, 10, minute)).toISOString();
}
