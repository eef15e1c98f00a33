import { describe, it, expect } from '@jest/globals';
import { DELIVERY_STATUSES, canTransitionDelivery, isOpenDeliveryStatus, type DeliveryStatus } from '../src/index.js';

const ALLOWED: Array<[DeliveryStatus, DeliveryStatus]> = [
  ['awaiting_assignment', 'assigned'],
  ['awaiting_assignment', 'failed'],
  ['assigned', 'picked_up'],
  ['assigned', 'failed'],
  ['picked_up', 'in_transit'],
  ['picked_up', 'delivered'],
  ['picked_up', 'failed'],
  ['in_transit', 'delivered'],
  ['in_transit', 'failed'],
];
const ALL = DELIVERY_STATUSES.flatMap((from) => DELIVERY_STATUSES.map((to) => [from, to] as [DeliveryStatus, DeliveryStatus]));
const isAllowed = (from: DeliveryStatus, to: DeliveryStatus) => ALLOWED.some(([f, t]) => f === from && t === to);

describe('delivery status machine', () => {
  it.each(ALLOWED)('when the delivery is %s, then it may become %s', (from, to) => {
    expect(canTransitionDelivery(from, to)).toBe(true);
  });

  it.each(ALL.filter(([f, t]) => !isAllowed(f, t)))('when the delivery is %s, then it may not become %s', (from, to) => {
    expect(canTransitionDelivery(from, to)).toBe(false);
  });

  it('when a delivery is assigned, picked up or in transit, then it is open for its rider', () => {
    expect(DELIVERY_STATUSES.filter(isOpenDeliveryStatus)).toEqual(['assigned', 'picked_up', 'in_transit']);
  });
});
