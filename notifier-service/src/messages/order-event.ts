import { orderStatusMessageSchema, topics, type OrderEvent, type OrderStatusMessage } from '@orderpulse/contracts';
import type { MqttMessage } from './mqtt-message.js';
import { adminFeedMessage } from './admin-feed.js';

/** What the notifier last published for one order. */
export interface OrderProgress {
  version: number;
  trackingNumber: string | null;
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

/** Everything one order event becomes on MQTT: the retained status, then the admin feed entry. */
export function messagesForOrderEvent(event: OrderEvent, previous: OrderProgress | undefined, maxPayloadBytes: number): OrderEventMessages {
  const status = orderStatusOf(event, previous);
  return {
    status,
    messages: [
      { kind: 'order-status', topic: topics.orderStatus(event.orderId), payload: JSON.stringify(status), retain: true },
      adminFeedMessage(event, { orderNumber: status.orderNumber, status: status.status }, maxPayloadBytes),
    ],
  };
}
