import { hopReceiptSchema } from '@orderpulse/contracts';
import { hopReceiptMessage, isReceipted } from '../src/messages/hop-receipt.js';
import type { MqttMessage } from '../src/messages/mqtt-message.js';

const orderId = '6f1c1b8e-2f4a-4c1e-9a53-0c7f5a1e0001';
const eventId = '6f1c1b8e-2f4a-4c1e-9a53-0c7f5a1e0002';
const status: MqttMessage = { kind: 'order-status', topic: `orders/${orderId}/status`, payload: '{}', retain: true, cause: { eventId, orderId, version: 3 } };

describe('hop receipts', () => {
  it('are sent for status and tracking messages that carry their event, and for nothing else', () => {
    expect(isReceipted(status)).toBe(true);
    expect(isReceipted({ ...status, kind: 'order-tracking' })).toBe(true);
    expect(isReceipted({ ...status, kind: 'admin-feed' })).toBe(false);
    expect(isReceipted({ ...status, kind: 'order-location' })).toBe(false);
    const { cause: _cause, ...withoutCause } = status;
    expect(isReceipted(withoutCause)).toBe(false);
  });

  it('go to admin/receipts/<orderId>, not retained, with the PUBLISH and PUBACK times', () => {
    if (!isReceipted(status)) throw new Error('unreachable');
    const message = hopReceiptMessage(status, { sentAt: Date.parse('2026-01-01T00:00:00.000Z'), ackedAt: Date.parse('2026-01-01T00:00:00.012Z') });
    expect(message).toMatchObject({ kind: 'hop-receipt', topic: `admin/receipts/${orderId}`, retain: false });
    expect(hopReceiptSchema.parse(JSON.parse(message.payload))).toEqual({
      hop: 'published',
      orderId,
      eventId,
      topic: status.topic,
      version: 3,
      publishedAt: '2026-01-01T00:00:00.000Z',
      pubackAt: '2026-01-01T00:00:00.012Z',
    });
  });
});
