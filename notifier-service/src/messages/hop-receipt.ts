import { hopReceiptSchema, topics } from '@orderpulse/contracts';
import type { MqttMessage } from './mqtt-message.js';

/** Customer messages whose delivery admins see hop by hop: a status change and a rider report. */
export function isReceipted(message: MqttMessage): message is MqttMessage & { cause: NonNullable<MqttMessage['cause']> } {
  return message.cause !== undefined && (message.kind === 'order-status' || message.kind === 'order-tracking');
}

/**
 * Issue 17 point 1, on `admin/receipts/<orderId>` (not retained): when the notifier published a
 * customer message and when the broker's PUBACK came back, for the event it carries.
 */
export function hopReceiptMessage(
  message: MqttMessage & { cause: NonNullable<MqttMessage['cause']> },
  times: { sentAt: number; ackedAt: number },
): MqttMessage {
  const { eventId, orderId, version } = message.cause;
  const receipt = hopReceiptSchema.parse({
    hop: 'published',
    orderId,
    eventId,
    topic: message.topic,
    version,
    publishedAt: new Date(times.sentAt).toISOString(),
    pubackAt: new Date(times.ackedAt).toISOString(),
  });
  return { kind: 'hop-receipt', topic: topics.adminReceipts(orderId), payload: JSON.stringify(receipt), retain: false };
}
