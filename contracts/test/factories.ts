import { randomUUID } from 'node:crypto';
import type { OrderSnapshot, OrderStatusChangedEvent } from '../src/index.js';

export function anOrder(overrides: Partial<OrderSnapshot> = {}): OrderSnapshot {
  const at = '2026-11-26T10:00:00.000Z';
  return {
    id: randomUUID(),
    orderNumber: 'OP-7K2M9Q4X',
    customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
    items: [{ sku: 'TEA-1', name: 'Green tea', quantity: 2, unitPriceCents: 450 }],
    deliveryAddress: { line1: '1 Main St', city: 'London', postcode: 'N1 9GU', country: 'GB', lat: 51.53, lng: -0.12 },
    status: 'pending',
    trackingNumber: null,
    history: [{ status: 'pending', at }],
    version: 1,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

export function aStatusChangedEvent(overrides: Partial<OrderStatusChangedEvent> = {}): OrderStatusChangedEvent {
  return {
    id: randomUUID(),
    type: 'order.status_changed',
    orderId: randomUUID(),
    version: 2,
    occurredAt: '2026-11-26T10:05:00.000Z',
    data: {
      orderNumber: 'OP-7K2M9Q4X',
      from: 'pending',
      to: 'confirmed',
      trackingNumber: null,
      history: [
        { status: 'pending', at: '2026-11-26T10:00:00.000Z' },
        { status: 'confirmed', at: '2026-11-26T10:05:00.000Z' },
      ],
    },
    ...overrides,
  };
}
