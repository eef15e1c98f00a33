import { randomUUID } from 'node:crypto';
import type { OrderCreatedEvent, OrderSnapshot, OrderStatus, OrderStatusChangedEvent } from '@orderpulse/contracts';

export function orderCreatedEvent(order: OrderSnapshot): OrderCreatedEvent {
  return {
    id: randomUUID(),
    type: 'order.created',
    orderId: order.id,
    version: order.version,
    occurredAt: order.createdAt,
    data: order,
  };
}

export function orderStatusChangedEvent(from: OrderStatus, changed: OrderSnapshot, note?: string): OrderStatusChangedEvent {
  return {
    id: randomUUID(),
    type: 'order.status_changed',
    orderId: changed.id,
    version: changed.version,
    occurredAt: changed.updatedAt,
    data: {
      orderNumber: changed.orderNumber,
      from,
      to: changed.status,
      trackingNumber: changed.trackingNumber,
      ...(note !== undefined ? { note } : {}),
      history: changed.history,
    },
  };
}
