import { randomUUID } from 'node:crypto';
import type { OrderStatusMessage } from '@orderpulse/contracts';

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

export function encode(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}
