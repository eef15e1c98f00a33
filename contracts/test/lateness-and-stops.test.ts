import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  deliveryEventSchema,
  deliveryWindowSchema,
  domainEventSchema,
  exchangeForEvent,
  latenessOf,
  orderFeedbackSchema,
  type DeliverySnapshot,
} from '../src/index.js';

const NOW = new Date('2026-11-26T12:00:00.000Z');
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();

function aDelivery(overrides: Partial<DeliverySnapshot> = {}): DeliverySnapshot {
  return {
    id: randomUUID(),
    orderId: randomUUID(),
    orderNumber: 'OP-7K2M9Q4X',
    status: 'in_transit',
    rider: { id: 'rosa', name: 'Rosa' },
    address: { line1: '1 Main St', city: 'London', postcode: 'N1 9GU', country: 'GB' },
    history: [{ status: 'awaiting_assignment', at: at(-60) }],
    lastPosition: null,
    eta: null,
    failureReason: null,
    version: 5,
    createdAt: at(-60),
    updatedAt: at(-1),
    promisedWindow: { start: at(-60), end: at(30) },
    ...overrides,
  };
}
const eta = (minutes: number) => ({ at: at(minutes), minutes, distanceKm: 3, basedOnPositionAt: at(0) });

describe('issue 18 contracts: windows, lateness, ratings, delivery.late and delivery.stops_changed', () => {
  it('when a window ends before it starts, or a rating is out of 1..5 or not whole, then the schemas refuse it', () => {
    expect(deliveryWindowSchema.safeParse({ start: at(10), end: at(0) }).success).toBe(false);
    expect(deliveryWindowSchema.safeParse({ start: at(0), end: at(10) }).success).toBe(true);
    for (const rating of [0, 6, 2.5]) expect(orderFeedbackSchema.safeParse({ rating, at: at(0) }).success).toBe(false);
    expect(orderFeedbackSchema.safeParse({ rating: 3, comment: 'x'.repeat(1001), at: at(0) }).success).toBe(false);
  });

  it.each([
    ['an ETA past the end', { eta: eta(45) }, 'late', 15],
    ['a window that ended, without an ETA', { promisedWindow: { start: at(-60), end: at(-5) } }, 'late', 5],
    ['an ETA within 10 minutes of the end', { eta: eta(25) }, 'at_risk', -5],
    ['an ETA well inside', { eta: eta(5) }, 'on_time', -25],
    ['a handover after the end', { status: 'delivered' as const, history: [{ status: 'delivered' as const, at: at(40) }] }, 'delivered_late', 10],
    ['a handover before the end', { status: 'delivered' as const, history: [{ status: 'delivered' as const, at: at(20) }] }, 'delivered_on_time', -10],
    ['no window', { promisedWindow: undefined }, 'unknown', null],
  ])('when a delivery has %s, then latenessOf says so with the minutes past the end', (_case, overrides, state, minutesLate) => {
    const delivery = aDelivery(overrides);
    expect(latenessOf(delivery, NOW)).toEqual({ state, minutesLate });
  });

  it('when delivery.late and delivery.stops_changed carry a delivery snapshot, then they parse as delivery events on the delivery exchange; without one they are refused', () => {
    for (const type of ['delivery.late', 'delivery.stops_changed'] as const) {
      const delivery = aDelivery({ lateSince: at(0), stopsBefore: 1, stopRank: 5 });
      const event = { id: randomUUID(), type, orderId: delivery.orderId, version: delivery.version, occurredAt: at(0), data: delivery };
      expect(deliveryEventSchema.parse(event)).toEqual(event);
      expect(domainEventSchema.parse(event).type).toBe(type);
      expect(exchangeForEvent(type)).toBe('delivery');
      expect(deliveryEventSchema.safeParse({ ...event, data: { ...delivery, stopsBefore: -1 } }).success).toBe(false);
    }
  });
});
