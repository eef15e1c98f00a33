import { randomUUID } from 'node:crypto';
import type { DeliveryStatus, DeliveryStatusChangedEvent, OrderSnapshot } from '@orderpulse/contracts';

/** delivery.status_changed for `order`'s delivery reaching `status` at delivery `version`. */
export function deliveryStatusChanged(order: OrderSnapshot, status: DeliveryStatus, version: number, deliveryId = randomUUID()): DeliveryStatusChangedEvent {
  const at = new Date(Date.UTC(2026, 10, 26, 11, version)).toISOString();
  return {
    id: randomUUID(),
    type: 'delivery.status_changed',
    orderId: order.id,
    version,
    occurredAt: at,
    data: {
      id: deliveryId,
      orderId: order.id,
      orderNumber: order.orderNumber,
      status,
      rider: { id: 'rosa', name: 'Rosa' },
      address: order.deliveryAddress,
      history: [{ status, at }],
      lastPosition: null,
      eta: null,
      failureReason: status === 'failed' ? 'nobody home' : null,
      version,
      createdAt: at,
      updatedAt: at,
    },
  };
}
