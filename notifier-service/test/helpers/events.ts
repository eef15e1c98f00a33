import { randomUUID } from 'node:crypto';
import type { OrderCreatedEvent, OrderStatus, OrderStatusChangedEvent } from '@orderpulse/contracts';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 26, 10, minute)).toISOString();

export function anOrderCreatedEvent(overrides: { orderId?: string; orderNumber?: string } = {}): OrderCreatedEvent {
  const orderId = overrides.orderId ?? randomUUID();
  return {
    id: randomUUID(),
    type: 'order.created',
    orderId,
    version: 1,
    occurredAt: at(0),
    data: {
      id: orderId,
      orderNumber: overrides.orderNumber ?? 'OP-7K2M9Q4X',
      customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
      items: [{ sku: 'TEA-1', name: 'Green tea', quantity: 2, unitPriceCents: 450 }],
      deliveryAddress: { line1: '1 Main St', city: 'London', postcode: 'N1 9GU', country: 'GB' },
      status: 'pending',
      trackingNumber: null,
      history: [{ status: 'pending', at: at(0) }],
      version: 1,
      createdAt: at(0),
      updatedAt: at(0),
    },
  };
}

export interface StatusChange {
  orderId: string;
  version: number;
  from: OrderStatus;
  to: OrderStatus;
  trackingNumber?: string | null;
  orderNumber?: string;
  id?: string;
}

export function aStatusChangedEvent(change: StatusChange): OrderStatusChangedEvent {
  return {
    id: change.id ?? randomUUID(),
    type: 'order.status_changed',
    orderId: change.orderId,
    version: change.version,
    occurredAt: at(change.version),
    data: {
      orderNumber: change.orderNumber ?? 'OP-7K2M9Q4X',
      from: change.from,
      to: change.to,
      ...(change.trackingNumber !== undefined ? { trackingNumber: change.trackingNumber } : {}),
      history: [
        { status: change.from, at: at(change.version - 1) },
        { status: change.to, at: at(change.version) },
      ],
    },
  };
}

const PATH: OrderStatus[] = ['pending', 'confirmed', 'processing', 'shipped', 'out_for_delivery', 'delivered'];

/** order.created (v1) followed by status changes along the happy path up to `versions`. */
export function anOrderHistory(versions: number, orderNumber = 'OP-7K2M9Q4X'): [OrderCreatedEvent, ...OrderStatusChangedEvent[]] {
  const created = anOrderCreatedEvent({ orderNumber });
  const changes = PATH.slice(1, versions).map((to, i) => aStatusChangedEvent({ orderId: created.orderId, orderNumber, version: i + 2, from: PATH[i]!, to }));
  return [created, ...changes];
}
