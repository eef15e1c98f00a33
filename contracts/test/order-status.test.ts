import { describe, it, expect } from '@jest/globals';
import { ORDER_STATUSES, allowedOrderTransitions, canTransitionOrder, isFinalOrderStatus, type OrderStatus } from '../src/index.js';

const ALLOWED: Array<[OrderStatus, OrderStatus]> = [
  ['pending', 'confirmed'],
  ['pending', 'cancelled'],
  ['confirmed', 'processing'],
  ['confirmed', 'cancelled'],
  ['processing', 'shipped'],
  ['processing', 'cancelled'],
  ['shipped', 'out_for_delivery'],
  ['out_for_delivery', 'delivered'],
];
const isAllowed = (from: OrderStatus, to: OrderStatus) => ALLOWED.some(([f, t]) => f === from && t === to);
const ALL_PAIRS = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.map((to) => [from, to] as [OrderStatus, OrderStatus]));

describe('order status machine', () => {
  it.each(ALLOWED)('when the order is %s, then it may become %s', (from, to) => {
    expect(canTransitionOrder(from, to)).toBe(true);
  });

  it.each(ALL_PAIRS.filter(([from, to]) => !isAllowed(from, to)))('when the order is %s, then it may not become %s', (from, to) => {
    expect(canTransitionOrder(from, to)).toBe(false);
  });

  it('covers all 49 pairs: 8 allowed, 41 refused', () => {
    expect(ALL_PAIRS).toHaveLength(49);
    expect(ALL_PAIRS.filter(([f, t]) => canTransitionOrder(f, t))).toHaveLength(8);
  });

  it('when an order is delivered or cancelled, then nothing follows', () => {
    expect(isFinalOrderStatus('delivered')).toBe(true);
    expect(isFinalOrderStatus('cancelled')).toBe(true);
    expect(isFinalOrderStatus('shipped')).toBe(false);
    expect(allowedOrderTransitions('processing')).toEqual(['shipped', 'cancelled']);
  });
});
