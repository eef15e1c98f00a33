import { describe, it, expect } from '@jest/globals';
import { riderAssignmentsMessage, ridersToRefresh } from '../src/messages/rider-assignments.js';
import { trackingOf } from '../src/messages/delivery-event.js';
import { DeliveryTimeline } from './helpers/delivery-events.js';

const ANN = { id: 'rider-ann', name: 'Ann' };
const BOB = { id: 'rider-bob', name: 'Bob' };

describe('ridersToRefresh', () => {
  it("when an event names no rider and none is remembered, then nobody's list is refreshed", () => {
    expect(ridersToRefresh(new DeliveryTimeline().created(), undefined)).toEqual([]);
  });

  it("when an event names a rider, then that rider's list is refreshed once", () => {
    const t = new DeliveryTimeline();
    t.created();
    const before = trackingOf(t.assigned(ANN));
    expect(ridersToRefresh(t.statusChanged('picked_up'), before)).toEqual([ANN.id]);
  });

  it('when the delivery went to another rider before, then both lists are refreshed', () => {
    const t = new DeliveryTimeline();
    t.created();
    const before = trackingOf(t.assigned(ANN));
    expect(ridersToRefresh(t.assigned(BOB), before)).toEqual([BOB.id, ANN.id]);
  });

  it('when the remembered tracking is of another delivery of the order, then its rider is not touched', () => {
    const t = new DeliveryTimeline();
    const other = new DeliveryTimeline({ orderId: t.orderId });
    other.created();
    const before = trackingOf(other.assigned(ANN));
    t.created();
    expect(ridersToRefresh(t.assigned(BOB), before)).toEqual([BOB.id]);
  });

  it('when the rider reports a position, then no list is refreshed (positions are not in it)', () => {
    const t = new DeliveryTimeline();
    t.created();
    const before = trackingOf(t.assigned(ANN));
    expect(ridersToRefresh(t.located({ lat: 51.5, lng: -0.1 }), before)).toEqual([]);
  });
});

describe('riderAssignmentsMessage', () => {
  it("when a list is given, then it goes retained to the rider's assignments topic", () => {
    const t = new DeliveryTimeline();
    const list = { riderId: ANN.id, deliveries: [t.assignment('assigned')], updatedAt: '2026-11-26T11:00:00.000Z' };
    const message = riderAssignmentsMessage(list);
    expect(message).toMatchObject({ kind: 'rider-assignments', topic: 'riders/rider-ann/assignments', retain: true });
    expect(JSON.parse(message.payload)).toEqual(list);
  });

  it('when the list breaks the contract, then it is refused', () => {
    expect(() => riderAssignmentsMessage({ riderId: 'no/slash', deliveries: [], updatedAt: '2026-11-26T11:00:00.000Z' })).toThrow();
  });
});
