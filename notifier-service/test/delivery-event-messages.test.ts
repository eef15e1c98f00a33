import { describe, it, expect } from '@jest/globals';
import { adminFeedMessageSchema, orderLocationMessageSchema, orderTrackingMessageSchema, type OrderTrackingMessage } from '@orderpulse/contracts';
import { messagesForDeliveryEvent, retrack, trackingMessage, trackingOf } from '../src/messages/delivery-event.js';
import { anEta, DeliveryTimeline } from './helpers/delivery-events.js';

const ANN = { id: 'rider-ann', name: 'Ann' };
const LIMIT = 16_384;
const parsed = (payload: string) => JSON.parse(payload) as Record<string, unknown>;

/** A timeline moved to `picked_up` with Ann, and the tracking message of its latest snapshot. */
function pickedUp() {
  const t = new DeliveryTimeline();
  t.created();
  t.assigned(ANN);
  const event = t.statusChanged('picked_up');
  return { t, event, tracking: trackingOf(event) };
}

describe('trackingOf', () => {
  it('when a delivery is created, then its tracking has status, history and the delivery\'s version, and no rider, ETA or failure', () => {
    const t = new DeliveryTimeline();
    const event = t.created();
    expect(orderTrackingMessageSchema.parse(trackingOf(event))).toEqual({
      orderId: t.orderId,
      deliveryId: t.deliveryId,
      status: 'awaiting_assignment',
      history: [{ status: 'awaiting_assignment', at: event.data.history[0]!.at }],
      version: 1,
    });
  });

  it('when a delivery fails after a position gave an ETA, then tracking carries the rider, the ETA and the failure reason', () => {
    const t = new DeliveryTimeline();
    t.created();
    t.assigned(ANN);
    t.located({ lat: 51.5, lng: -0.1 }, anEta(7));
    const event = t.statusChanged('failed', 'nobody home');
    expect(trackingOf(event)).toMatchObject({ status: 'failed', rider: ANN, eta: anEta(7), failureReason: 'nobody home', version: 4 });
  });
});

describe('trackingOf: stops and lateness (issue 18 points 5 and 6)', () => {
  it("when a rider's stops are renumbered, then the customer's tracking carries the count and nothing else of the snapshot's new fields", () => {
    const { event } = pickedUp();
    const renumbered = {
      ...event,
      type: 'delivery.stops_changed' as const,
      version: event.version + 1,
      data: { ...event.data, version: event.version + 1, stopsBefore: 2, stopRank: 123, promisedWindow: { start: event.data.createdAt, end: event.data.updatedAt } },
    };
    const tracking = orderTrackingMessageSchema.parse(trackingOf(renumbered));
    expect(tracking).toMatchObject({ stopsBefore: 2, version: event.version + 1 });
    expect(Object.keys(tracking)).not.toEqual(expect.arrayContaining(['stopRank']));
    const { messages } = messagesForDeliveryEvent(renumbered, undefined, LIMIT);
    expect(messages.map((m) => m.kind)).toEqual(['order-tracking', 'admin-feed']);
  });

  it('when a delivery has no rider, then no stop count goes out', () => {
    const t = new DeliveryTimeline();
    const event = t.created();
    expect(trackingOf({ ...event, data: { ...event.data, stopsBefore: 0 } }).stopsBefore).toBeUndefined();
  });
});

describe('messagesForDeliveryEvent', () => {
  it('when a snapshot event comes, then it becomes the retained tracking and an admin feed entry with the order number and status', () => {
    const { t, event } = pickedUp();
    const { messages, tracking, riders } = messagesForDeliveryEvent(event, undefined, LIMIT);
    expect(messages.map(({ kind, topic, retain }) => ({ kind, topic, retain }))).toEqual([
      { kind: 'order-tracking', topic: `orders/${t.orderId}/tracking`, retain: true },
      { kind: 'admin-feed', topic: 'admin/orders', retain: false },
    ]);
    expect(parsed(messages[0]!.payload)).toEqual(tracking);
    expect(adminFeedMessageSchema.parse(parsed(messages[1]!.payload))).toMatchObject({
      eventId: event.id,
      type: 'delivery.status_changed',
      orderId: t.orderId,
      orderNumber: t.orderNumber,
      status: 'picked_up',
      version: 3,
      data: { id: t.deliveryId },
    });
    expect(riders).toEqual([ANN.id]);
  });

  it('when a position comes and the delivery\'s tracking is known, then tracking is republished with its ETA and version, then the retained location', () => {
    const { t, tracking: before } = pickedUp();
    const eta = anEta(9);
    const located = t.located({ lat: 51.51, lng: -0.11, heading: 180 }, eta);
    const { messages, tracking, riders } = messagesForDeliveryEvent(located, before, LIMIT);
    expect(messages.map((m) => m.kind)).toEqual(['order-tracking', 'order-location', 'admin-feed']);
    expect(tracking).toEqual({ ...before, eta, version: 4 });
    expect(parsed(messages[0]!.payload)).toEqual(tracking);
    expect(messages[1]).toMatchObject({ topic: `orders/${t.orderId}/location`, retain: true });
    expect(orderLocationMessageSchema.parse(parsed(messages[1]!.payload))).toEqual({ lat: 51.51, lng: -0.11, heading: 180, at: located.data.at, version: 4, eta });
    expect(parsed(messages[2]!.payload)).toMatchObject({ type: 'delivery.location_updated', version: 4 });
    expect(riders).toEqual([]);
  });

  it('when a position comes and the notifier has no tracking for that delivery, then only the location and the admin entry go out', () => {
    const { t } = pickedUp();
    const other = trackingOf(new DeliveryTimeline({ orderId: t.orderId }).created());
    const located = t.located({ lat: 51.5, lng: -0.1 });
    expect(messagesForDeliveryEvent(located, undefined, LIMIT).tracking).toBeUndefined();
    const { messages, tracking } = messagesForDeliveryEvent(located, other, LIMIT);
    expect(tracking).toBeUndefined();
    expect(messages.map((m) => m.kind)).toEqual(['order-location', 'admin-feed']);
    expect(parsed(messages[0]!.payload)).not.toHaveProperty('eta');
  });
});

describe('retrack', () => {
  it('when the new position gives no ETA, then the ETA of an older position is dropped', () => {
    const { t, tracking } = pickedUp();
    const withEta: OrderTrackingMessage = { ...tracking, eta: anEta(5) };
    expect(retrack(withEta, t.located({ lat: 51.5, lng: -0.1 }))).not.toHaveProperty('eta');
  });

  it('when the remembered tracking is not older than the position, then there is nothing to republish', () => {
    const { t, tracking } = pickedUp();
    const located = t.located({ lat: 51.5, lng: -0.1 });
    expect(retrack({ ...tracking, version: located.version }, located)).toBeUndefined();
  });

  it('when the remembered tracking is more than one version behind the position, then nothing is republished (the missing version may be a status change)', () => {
    const { t, tracking } = pickedUp();
    t.statusChanged('in_transit');
    const located = t.located({ lat: 51.5, lng: -0.1 });
    expect(retrack(tracking, located)).toBeUndefined();
    expect(retrack({ ...tracking, version: located.version - 1 }, located)).toMatchObject({ version: located.version });
  });
});

describe('trackingMessage', () => {
  it('when the tracking would exceed the payload limit, then the oldest history entries are left out until it fits', () => {
    const { tracking } = pickedUp();
    const long = { ...tracking, history: tracking.history.map((h) => ({ ...h, note: 'x'.repeat(400) })) };
    const limit = Buffer.byteLength(JSON.stringify(long)) - 100;
    const message = trackingMessage(long, limit);
    expect(Buffer.byteLength(message.payload)).toBeLessThanOrEqual(limit);
    expect((parsed(message.payload).history as Array<{ status: string }>).map((h) => h.status)).toEqual(['assigned', 'picked_up']);
    expect(parsed(trackingMessage(long, LIMIT).payload)).toEqual(long);
  });
});
