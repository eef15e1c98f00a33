import { describe, it, expect } from '@jest/globals';
import { parseTopic, topics } from '../src/index.js';

const ORDER = '3f1c8a52-9a7e-4a31-9a55-2d6b1f1e8c11';

describe('topics', () => {
  it('builds each per-order, admin and rider topic', () => {
    expect(topics.orderStatus(ORDER)).toBe(`orders/${ORDER}/status`);
    expect(topics.orderTracking(ORDER)).toBe(`orders/${ORDER}/tracking`);
    expect(topics.orderLocation(ORDER)).toBe(`orders/${ORDER}/location`);
    expect(topics.adminOrders()).toBe('admin/orders');
    expect(topics.riderAssignments('r1')).toBe('riders/r1/assignments');
    expect(topics.riderDeliveryStatus('r1', 'd1')).toBe('riders/r1/deliveries/d1/status');
    expect(topics.riderLocation('r1')).toBe('riders/r1/location');
  });

  it.each(['+', '#', 'a/b', '', 'x'.repeat(65)])('when an id is %j, then no topic is built', (id) => {
    expect(() => topics.orderStatus(id)).toThrow(/invalid orderId/);
  });

  it('parses what it builds', () => {
    expect(parseTopic(topics.orderStatus(ORDER))).toEqual({ kind: 'order-status', orderId: ORDER });
    expect(parseTopic(topics.riderDeliveryStatus('r1', 'd1'))).toEqual({ kind: 'rider-delivery-status', riderId: 'r1', deliveryId: 'd1' });
    expect(parseTopic('admin/orders')).toEqual({ kind: 'admin-orders' });
    expect(parseTopic(topics.orderSignal(ORDER))).toEqual({ kind: 'order-signal', orderId: ORDER });
    expect(parseTopic(topics.riderHeartbeat('r1'))).toEqual({ kind: 'rider-heartbeat', riderId: 'r1' });
    expect(parseTopic(topics.riderPresence('r1'))).toEqual({ kind: 'rider-presence', riderId: 'r1' });
    expect(parseTopic(topics.riderLocation('r1'))).toEqual({ kind: 'rider-location', riderId: 'r1' });
  });

  it.each([
    'orders/+/status',
    'orders/#',
    `orders/${ORDER}/secret`,
    'riders/r1/deliveries/d1',
    '$SYS/broker/uptime',
    'orders//status',
    `orders/${ORDER}/toString`,
    'riders/r1/constructor',
  ])('when the topic is %s, then it is not recognised', (topic) => {
    expect(parseTopic(topic)).toBeNull();
  });
});
