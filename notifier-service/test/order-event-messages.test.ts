import { describe, it, expect } from '@jest/globals';
import { adminFeedMessageSchema, orderStatusMessageSchema } from '@orderpulse/contracts';
import { messagesForOrderEvent } from '../src/messages/order-event.js';
import { anOrderCreatedEvent, aStatusChangedEvent } from './helpers/events.js';

describe('messagesForOrderEvent', () => {
  it('when an order is created, then its retained status and an admin feed entry are published', () => {
    const event = anOrderCreatedEvent({ orderNumber: 'OP-AAAAAA' });
    const { messages } = messagesForOrderEvent(event, undefined, 16_384);
    expect(messages.map(({ kind, topic, retain }) => ({ kind, topic, retain }))).toEqual([
      { kind: 'order-status', topic: `orders/${event.orderId}/status`, retain: true },
      { kind: 'admin-feed', topic: 'admin/orders', retain: false },
    ]);
    expect(orderStatusMessageSchema.parse(JSON.parse(messages[0]!.payload))).toEqual({
      orderId: event.orderId,
      orderNumber: 'OP-AAAAAA',
      status: 'pending',
      trackingNumber: null,
      version: 1,
      updatedAt: event.occurredAt,
    });
    expect(adminFeedMessageSchema.parse(JSON.parse(messages[1]!.payload))).toMatchObject({
      eventId: event.id,
      type: 'order.created',
      orderId: event.orderId,
      status: 'pending',
      version: 1,
      data: { id: event.orderId, items: [expect.objectContaining({ sku: 'TEA-1' })] },
    });
  });

  it('when the status changes, then the status message carries the new status, version and time', () => {
    const event = aStatusChangedEvent({ orderId: anOrderCreatedEvent().orderId, version: 4, from: 'processing', to: 'shipped', trackingNumber: 'TRK-1' });
    const { status } = messagesForOrderEvent(event, { version: 3, trackingNumber: null }, 16_384);
    expect(status).toMatchObject({ status: 'shipped', version: 4, trackingNumber: 'TRK-1', updatedAt: event.occurredAt });
  });

  it('when a status change does not mention the tracking number, then the last published one is kept', () => {
    const event = aStatusChangedEvent({ orderId: anOrderCreatedEvent().orderId, version: 5, from: 'shipped', to: 'out_for_delivery' });
    expect(messagesForOrderEvent(event, { version: 4, trackingNumber: 'TRK-1' }, 16_384).status.trackingNumber).toBe('TRK-1');
    expect(messagesForOrderEvent(event, undefined, 16_384).status.trackingNumber).toBeNull();
  });

  it('when a status change clears the tracking number with null, then it is cleared', () => {
    const event = aStatusChangedEvent({ orderId: anOrderCreatedEvent().orderId, version: 5, from: 'shipped', to: 'out_for_delivery', trackingNumber: null });
    expect(messagesForOrderEvent(event, { version: 4, trackingNumber: 'TRK-1' }, 16_384).status.trackingNumber).toBeNull();
  });

  it('when the admin entry would exceed the payload limit, then its data is cut down and it still fits', () => {
    const event = anOrderCreatedEvent();
    const limit = 600;
    expect(JSON.stringify(event).length).toBeGreaterThan(limit);
    const admin = messagesForOrderEvent(event, undefined, limit).messages[1]!;
    expect(Buffer.byteLength(admin.payload)).toBeLessThanOrEqual(limit);
    expect(JSON.parse(admin.payload)).toMatchObject({ eventId: event.id, version: 1, data: { truncated: true } });
  });
});
