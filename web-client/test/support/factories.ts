import { randomUUID } from 'node:crypto';
import type { OrderLocationMessage, OrderSnapshot, OrderStatusMessage, OrderTrackingMessage } from '@orderpulse/contracts';

export function aStatusMessage(overrides: Partial<OrderStatusMessage> = {}): OrderStatusMessage {
  return {
    orderId: randomUUID(),
    orderNumber: 'OP-7K2M9Q4X',
    status: 'confirmed',
    trackingNumber: null,
    version: 2,
    updatedAt: '2026-11-26T10:05:00.000Z',
    ...overrides,
  };
}

export function aSnapshot(overrides: Partial<OrderSnapshot> = {}): OrderSnapshot {
  return {
    id: randomUUID(),
    orderNumber: 'OP-7K2M9Q4X',
    customer: { name: 'Grace Hopper', email: 'grace@example.com' },
    items: [{ sku: 'MUG-01', name: 'Enamel mug', quantity: 1, unitPriceCents: 1200 }],
    deliveryAddress: { line1: '12 Harbour Road', city: 'Bristol', postcode: 'BS1 5TY', country: 'GB', lat: 51.4495, lng: -2.5966 },
    status: 'confirmed',
    trackingNumber: null,
    history: [
      { status: 'pending', at: '2026-11-26T10:00:00.000Z' },
      { status: 'confirmed', at: '2026-11-26T10:05:00.000Z' },
    ],
    version: 2,
    createdAt: '2026-11-26T10:00:00.000Z',
    updatedAt: '2026-11-26T10:05:00.000Z',
    ...overrides,
  };
}

export function aTrackingMessage(overrides: Partial<OrderTrackingMessage> = {}): OrderTrackingMessage {
  return {
    orderId: randomUUID(),
    deliveryId: randomUUID(),
    status: 'assigned',
    rider: { id: 'rider-1', name: 'Rosa Parks' },
    history: [
      { status: 'awaiting_assignment', at: '2026-11-26T11:00:00.000Z' },
      { status: 'assigned', at: '2026-11-26T11:01:00.000Z' },
    ],
    version: 2,
    ...overrides,
  };
}

export function aLocation(overrides: Partial<OrderLocationMessage> = {}): OrderLocationMessage {
  return { lat: 51.4545, lng: -2.5879, at: '2026-11-26T11:10:00.000Z', version: 4, ...overrides };
}

export function encode(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}
