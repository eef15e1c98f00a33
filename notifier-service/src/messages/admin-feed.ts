import { adminFeedMessageSchema, topics, type AdminFeedMessage, type DomainEvent } from '@orderpulse/contracts';
import type { MqttMessage } from './mqtt-message.js';

/** What the console shows next to the event's type; both are known for most events. */
export interface AdminFeedSummary {
  orderNumber?: string | undefined;
  status?: string | undefined;
}

/** The live-console entry; its `data` is cut down when the message would exceed the broker's limit. */
export function adminFeedOf(event: DomainEvent, summary: AdminFeedSummary, maxPayloadBytes: number): AdminFeedMessage {
  const entry = adminFeedMessageSchema.parse({
    eventId: event.id,
    type: event.type,
    orderId: event.orderId,
    ...(summary.orderNumber !== undefined ? { orderNumber: summary.orderNumber } : {}),
    ...(summary.status !== undefined ? { status: summary.status } : {}),
    version: event.version,
    occurredAt: event.occurredAt,
    data: event.data,
  });
  if (Buffer.byteLength(JSON.stringify(entry)) <= maxPayloadBytes) return entry;
  return { ...entry, data: { truncated: true, reason: `event data exceeds the ${maxPayloadBytes}-byte MQTT payload limit` } };
}

/** `admin/orders`, not retained: the console wants the stream, not the last entry. */
export function adminFeedMessage(event: DomainEvent, summary: AdminFeedSummary, maxPayloadBytes: number): MqttMessage {
  return { kind: 'admin-feed', topic: topics.adminOrders(), payload: JSON.stringify(adminFeedOf(event, summary, maxPayloadBytes)), retain: false };
}
