import { randomUUID } from 'node:crypto';
import { describe, it, expect } from '@jest/globals';
import {
  deliverySnapshotSchema,
  domainEventSchema,
  exchangeForEvent,
  orderSnapshotSchema,
  orderStatusMessageSchema,
  type DeliverySnapshot,
} from '../src/index.js';
import { anOrder, aStatusChangedEvent } from './factories.js';

describe('event schemas', () => {
  it('when an order.created event carries a valid snapshot, then it parses with its type', () => {
    const order = anOrder();
    const event = { id: randomUUID(), type: 'order.created', orderId: order.id, version: 1, occurredAt: order.createdAt, data: order };
    const parsed = domainEventSchema.parse(event);
    expect(parsed.type).toBe('order.created');
    expect(exchangeForEvent(parsed.type)).toBe('orders');
  });

  it('when an order.status_changed event is valid, then it parses', () => {
    expect(domainEventSchema.safeParse(aStatusChangedEvent()).success).toBe(true);
  });

  it.each([
    ['an unknown type', { type: 'order.exploded' }, 'type'],
    ['a non-uuid id', { id: 'nope' }, 'id'],
    ['a zero version', { version: 0 }, 'version'],
    ['a date that is not ISO-8601', { occurredAt: 'yesterday' }, 'occurredAt'],
  ])('when an event has %s, then it is refused naming the field', (_what, override, field) => {
    const result = domainEventSchema.safeParse({ ...aStatusChangedEvent(), ...override });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path[0])).toContain(field);
  });

  it('when a status change names an unknown status, then data.to is refused', () => {
    const event = aStatusChangedEvent();
    const result = domainEventSchema.safeParse({ ...event, data: { ...event.data, to: 'teleported' } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['data', 'to']);
  });

  it('when an order has no items or a bad email, then the snapshot is refused', () => {
    expect(orderSnapshotSchema.safeParse(anOrder({ items: [] })).success).toBe(false);
    expect(orderSnapshotSchema.safeParse(anOrder({ customer: { name: 'A', email: 'not-an-email' } })).success).toBe(false);
    expect(orderSnapshotSchema.safeParse(anOrder({ deliveryAddress: { ...anOrder().deliveryAddress, lat: 91 } })).success).toBe(false);
  });

  it('when a status message is built from an order, then it matches the MQTT contract', () => {
    const order = anOrder({ status: 'shipped', trackingNumber: 'TRK1', version: 4 });
    const message = {
      orderId: order.id,
      orderNumber: order.orderNumber,
      status: order.status,
      trackingNumber: order.trackingNumber,
      version: order.version,
      updatedAt: order.updatedAt,
    };
    expect(orderStatusMessageSchema.parse(message)).toEqual(message);
  });

  it('when delivery.arriving and delivery.proof_updated carry a delivery snapshot with arrival, instructions and proof, then they parse and travel on the delivery exchange', () => {
    const order = anOrder();
    const delivery: DeliverySnapshot = {
      id: randomUUID(),
      orderId: order.id,
      orderNumber: order.orderNumber,
      status: 'in_transit',
      rider: { id: 'rider-1', name: 'Rosa' },
      address: order.deliveryAddress,
      history: [{ status: 'in_transit', at: order.createdAt }],
      lastPosition: null,
      eta: null,
      failureReason: null,
      arrivingAt: order.createdAt,
      instructions: 'Gate code 4711',
      method: 'leave_at_door',
      proof: { required: 'pin', pin: '0420', failedPinAttempts: 1 },
      version: 5,
      createdAt: order.createdAt,
      updatedAt: order.createdAt,
    };
    for (const type of ['delivery.arriving', 'delivery.proof_updated'] as const) {
      const parsed = domainEventSchema.parse({ id: randomUUID(), type, orderId: order.id, version: 5, occurredAt: order.createdAt, data: delivery });
      expect(parsed.data).toEqual(delivery);
      expect(exchangeForEvent(parsed.type)).toBe('delivery');
    }
    expect(deliverySnapshotSchema.safeParse({ ...delivery, proof: { required: 'pin', pin: '42', failedPinAttempts: 0 } }).success).toBe(false);
    expect(deliverySnapshotSchema.safeParse({ ...delivery, instructions: 'x'.repeat(301) }).success).toBe(false);
    expect(deliverySnapshotSchema.safeParse({ ...delivery, method: 'drone' }).success).toBe(false);
  });
});
