import { describe, it, expect } from '@jest/globals';
import { adminFeedMessageSchema, orderLocationMessageSchema, orderTrackingMessageSchema, type OrderTrackingMessage } from '@orderpulse/contracts';
import { messagesForDeliveryEvent, retrack, trackingMessage, trackingOf } from '../src/messages/delivery-event.js';
import { greatCircleKm } from '@orderpulse/contracts';
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
  it("when a delivery is created, then its tracking has status, history and the delivery's version, and no rider, ETA or failure", () => {
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

  it('when the delivery asks for a PIN and has instructions, then tracking carries the PIN for the customer but neither the instructions nor the count of wrong PINs', () => {
    const t = new DeliveryTimeline();
    const created = t.created();
    const event = {
      ...created,
      data: {
        ...created.data,
        instructions: 'Gate code 4455',
        method: 'hand_to_customer' as const,
        proof: { required: 'pin' as const, pin: '9090', failedPinAttempts: 2 },
      },
    };
    const tracking = trackingOf(event);
    expect(orderTrackingMessageSchema.parse(tracking).proof).toEqual({ required: 'pin', pin: '9090' });
    expect(JSON.stringify(tracking)).not.toContain('Gate code');
    expect(JSON.stringify(tracking)).not.toContain('failedPinAttempts');
  });

  it('when the rider arrives (delivery.arriving), then tracking carries arrivingAt, and a later position keeps it', () => {
    const { t } = pickedUp();
    t.located({ lat: 51.5, lng: -0.1 }, anEta(1));
    const arriving = t.arriving();
    const tracking = trackingOf(arriving);
    expect(orderTrackingMessageSchema.parse(tracking)).toMatchObject({ status: 'picked_up', arrivingAt: arriving.data.lastPosition!.at, version: 5 });
    const { messages } = messagesForDeliveryEvent(arriving, undefined, LIMIT);
    expect(messages.map((m) => m.kind)).toEqual(['order-tracking', 'admin-feed']);
    expect(parsed(messages[1]!.payload)).toMatchObject({ type: 'delivery.arriving', status: 'picked_up' });
    expect(retrack(tracking, t.located({ lat: 51.5001, lng: -0.1 }, anEta(1)))?.arrivingAt).toBe(tracking.arrivingAt);
  });
});

describe('trackingOf: stops and lateness (issue 18 points 5 and 6)', () => {
  it("when a rider's stops are renumbered, then the customer's tracking carries the count and nothing else of the snapshot's new fields", () => {
    const { event } = pickedUp();
    const renumbered = {
      ...event,
      type: 'delivery.stops_changed' as const,
      version: event.version + 1,
      data: {
        ...event.data,
        version: event.version + 1,
        stopsBefore: 2,
        stopRank: 123,
        promisedWindow: { start: event.data.createdAt, end: event.data.updatedAt },
      },
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

  it("when a position comes and the delivery's tracking is known, then tracking is republished with its ETA and version, then the retained location", () => {
    const { t, tracking: before } = pickedUp();
    const eta = anEta(7);
    const located = t.located({ lat: 51.51, lng: -0.11, heading: 180 }, eta);
    const { messages, tracking, riders } = messagesForDeliveryEvent(located, before, LIMIT);
    expect(messages.map((m) => m.kind)).toEqual(['order-tracking', 'order-location', 'admin-feed']);
    expect(tracking).toEqual({ ...before, eta, version: 4 });
    expect(parsed(messages[0]!.payload)).toEqual(tracking);
    expect(messages[1]).toMatchObject({ topic: `orders/${t.orderId}/location`, retain: true });
    expect(orderLocationMessageSchema.parse(parsed(messages[1]!.payload))).toEqual({
      lat: 51.51,
      lng: -0.11,
      heading: 180,
      at: located.data.at,
      version: 4,
      eta,
    });
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

describe('what a customer may see of the rider (LOCATION_COARSE_METERS, LOCATION_EXACT_WITHIN_KM)', () => {
  const privacy = { coarseMeters: 500, exactWithinKm: 2 };
  const locationIn = (messages: Array<{ kind: string; payload: string }>) => messages.find((m) => m.kind === 'order-location');

  it('when the rider is further than the exact distance, then the position is snapped to the grid, without heading, with a rounded ETA, and says how approximate it is', () => {
    const { t, tracking: before } = pickedUp();
    const far = { at: '2026-11-26T11:12:40.000Z', minutes: 12.7, distanceKm: 3.171, basedOnPositionAt: '2026-11-26T11:00:00.000Z' };
    const located = t.located({ lat: 51.51234, lng: -0.11789, heading: 90 }, far);
    const { messages, tracking } = messagesForDeliveryEvent(located, before, LIMIT, privacy);
    const location = orderLocationMessageSchema.parse(parsed(locationIn(messages)!.payload));
    expect(location).not.toHaveProperty('heading');
    expect(location.approximateMeters).toBe(500);
    expect(location.lat).not.toBe(51.51234);
    expect(greatCircleKm(location, { lat: 51.51234, lng: -0.11789 })).toBeLessThanOrEqual(0.36);
    expect(location.eta).toEqual({ at: '2026-11-26T11:13:00.000Z', minutes: 13, distanceKm: 3, basedOnPositionAt: far.basedOnPositionAt });
    expect(tracking?.eta).toEqual(location.eta);
    // Two points in one cell give the same answer: nothing of the movement inside it leaks.
    const nearby = messagesForDeliveryEvent(t.located({ lat: 51.51244, lng: -0.11779 }, far), undefined, LIMIT, privacy);
    expect(parsed(locationIn(nearby.messages)!.payload)).toMatchObject({ lat: location.lat, lng: location.lng });
    // The admin feed keeps the exact position.
    expect(parsed(messages.find((m) => m.kind === 'admin-feed')!.payload)).toMatchObject({ data: { lat: 51.51234, lng: -0.11789, heading: 90, eta: far } });
  });

  it('when the rider is within the exact distance, then the exact position, heading and ETA go out', () => {
    const { t, tracking: before } = pickedUp();
    const located = t.located({ lat: 51.53, lng: -0.104, heading: 10 }, anEta(4));
    const location = parsed(locationIn(messagesForDeliveryEvent(located, before, LIMIT, privacy).messages)!.payload);
    expect(location).toEqual({ lat: 51.53, lng: -0.104, heading: 10, at: located.data.at, version: 4, eta: anEta(4) });
  });

  it('when the position gives no ETA (an address without coordinates), then it is always approximate', () => {
    const { t, tracking: before } = pickedUp();
    const location = parsed(locationIn(messagesForDeliveryEvent(t.located({ lat: 51.53, lng: -0.104 }), before, LIMIT, privacy).messages)!.payload);
    expect(location.approximateMeters).toBe(500);
  });

  it('when the delivery is delivered or failed, then the retained location is cleared with an empty retained message after the tracking', () => {
    for (const end of ['delivered', 'failed'] as const) {
      const { t } = pickedUp();
      const { messages } = messagesForDeliveryEvent(t.statusChanged(end, end === 'failed' ? 'nobody home' : undefined), undefined, LIMIT, privacy);
      expect(messages.map((m) => [m.kind, m.payload === '' ? 'empty' : 'json', m.retain])).toEqual([
        ['order-tracking', 'json', true],
        ['order-location', 'empty', true],
        ['order-signal', 'empty', true],
        ['admin-feed', 'json', false],
      ]);
      expect(messages[1]!.topic).toBe(`orders/${t.orderId}/location`);
    }
    const { t } = pickedUp();
    expect(messagesForDeliveryEvent(t.statusChanged('in_transit'), undefined, LIMIT, privacy).messages.map((m) => m.kind)).not.toContain('order-location');
  });

  it('when a position of the delivery arrives after its end was published, then only the admin feed gets it', () => {
    const { t } = pickedUp();
    const position = t.located({ lat: 51.53, lng: -0.104 }, anEta(4));
    const delivered = trackingOf(t.statusChanged('delivered'));
    const { messages, tracking } = messagesForDeliveryEvent(position, delivered, LIMIT, privacy);
    expect(messages.map((m) => m.kind)).toEqual(['admin-feed']);
    expect(tracking).toBeUndefined();
  });

  it("when a rider report carried a report id and a position, then the customer's tracking history has neither", () => {
    const { t } = pickedUp();
    const event = t.statusChanged('in_transit');
    event.data.history = event.data.history.map((h) => ({ ...h, lat: 51.5, lng: -0.1, reportId: '0b7f6d7e-1f7c-4b7e-9c8e-2c6f1d1a0b11' }));
    const { messages } = messagesForDeliveryEvent(event, undefined, LIMIT, privacy);
    const history = parsed(messages[0]!.payload).history as Array<Record<string, unknown>>;
    expect(history.length).toBeGreaterThan(0);
    for (const entry of history) expect(Object.keys(entry).sort()).toEqual(expect.not.arrayContaining(['lat', 'lng', 'reportId']));
    expect(parsed(messages[1]!.payload)).toMatchObject({
      type: 'delivery.status_changed',
      data: { history: expect.arrayContaining([expect.objectContaining({ reportId: expect.any(String) })]) },
    });
  });
});
