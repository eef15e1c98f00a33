import {
  adminFeedMessageSchema,
  orderStatusMessageSchema,
  topics,
  type AdminFeedMessage,
  type OrderEvent,
  type OrderStatusMessage,
} from '@orderpulse/contracts';
import type { OrderProgress } from '../dedupe.js';

export interface MqttMessage {
  kind: 'order-status' | 'admin-feed';
  topic: string;
  payload: string;
  retain: boolean;
}

export interface OrderEventMessages {
  status: OrderStatusMessage;
  messages: MqttMessage[];
}

/**
 * The order's current status as the retained message carries it. A status change that does not
 * mention the tracking number keeps the one published before; `null` clears it.
 */
export function orderStatusOf(event: OrderEvent, previous: OrderProgress | undefined): OrderStatusMessage {
  const base = { orderId: event.orderId, version: event.version, updatedAt: event.occurredAt };
  if (event.type === 'order.created') {
    const { orderNumber, status, trackingNumber } = event.data;
    return orderStatusMessageSchema.parse({ ...base, orderNumber, status, trackingNumber });
  }
  const { orderNumber, to, trackingNumber } = event.data;
  return orderStatusMessageSchema.parse({
    ...base,
    orderNumber,
    status: to,
    trackingNumber: trackingNumber === undefined ? (previous?.trackingNumber ?? null) : trackingNumber,
  });
}

/** The live-console entry; its `data` is cut down when the message would exceed the broker's limit. */
export function adminFeedOf(event: OrderEvent, status: OrderStatusMessage, maxPayloadBytes: number): AdminFeedMessage {
  const entry = adminFeedMessageSchema.parse({
    eventId: event.id,
    type: event.type,
    orderId: event.orderId,
    orderNumber: status.orderNumber,
    status: status.status,
    version: event.version,
    occurredAt: event.occurredAt,
    data: event.data,
  });
  if (Buffer.byteLength(JSON.stringify(entry)) <= maxPayloadBytes) return entry;
  return { ...entry, data: { truncated: true, reason: `event data exceeds the ${maxPayloadBytes}-byte MQTT payload limit` } };
}

/** Everything one order event becomes on MQTT: the retained status, then the admin feed entry. */
export function messagesForOrderEvent(event: OrderEvent, previous: OrderProgress | undefined, maxPayloadBytes: number): OrderEventMessages {
  const status = orderStatusOf(event, previous);
  const admin = adminFeedOf(event, status, maxPayloadBytes);
  return {
    status,
    messages: [
      { kind: 'order-status', topic: topics.orderStatus(event.orderId), payload: JSON.stringify(status), retain: true },
      { kind: 'admin-feed', topic: topics.adminOrders(), payload: JSON.stringify(admin), retain: false },
    ],
  };
}
