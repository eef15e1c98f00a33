import { describe, expect, it } from '@jest/globals';
import { supersededBy, type MailKind } from '../src/domain/mail-kinds.js';
import { mailDetailsOf, mailKindFor, MAIL_ROUTING_KEYS } from '../src/domain/mail-triggers.js';
import { aDeliveryOf, anOrder, at, deliveryEvent, orderCreated, orderStatusChanged } from './support/factories.js';

describe('which event sends which mail', () => {
  const order = anOrder();
  it.each<[string, { type: string; data: unknown }, MailKind | null]>([
    ['order.created', orderCreated(order), 'placed'],
    ['order.status_changed to out_for_delivery', orderStatusChanged(order, 'out_for_delivery'), 'out_for_delivery'],
    ['order.status_changed to delivered', orderStatusChanged(order, 'delivered'), 'delivered'],
    ['order.status_changed to confirmed', orderStatusChanged(order, 'confirmed'), null],
    ['order.status_changed to cancelled', orderStatusChanged(order, 'cancelled'), null],
    ['delivery.status_changed to failed', deliveryEvent('delivery.status_changed', aDeliveryOf(order, { status: 'failed' })), 'failed'],
    [
      'delivery.status_changed to delivered (the order event sends that one)',
      deliveryEvent('delivery.status_changed', aDeliveryOf(order, { status: 'delivered' })),
      null,
    ],
    ['delivery.arriving', deliveryEvent('delivery.arriving', aDeliveryOf(order)), 'arriving'],
    ['delivery.late', deliveryEvent('delivery.late', aDeliveryOf(order)), 'late'],
    ['delivery.location_updated', { type: 'delivery.location_updated', data: { lat: 1, lng: 2 } }, null],
    ['a type nobody defined yet', { type: 'delivery.proof_recorded', data: {} }, null],
    ['an event without data', { type: 'order.status_changed', data: null }, null],
  ])('when %s arrives, then the mail is %s, and the queue is bound to it exactly when that sends one', (_title, event, kind) => {
    expect(mailKindFor(event)).toBe(kind);
    const data = (event.data ?? {}) as { to?: string; status?: string };
    const status = event.type === 'order.status_changed' ? data.to : event.type === 'delivery.status_changed' ? data.status : undefined;
    const keys = status === undefined ? [event.type] : [event.type, `${event.type}.${status}`];
    expect(keys.some((key) => MAIL_ROUTING_KEYS.includes(key))).toBe(kind !== null);
  });

  it('when a delivery event carries a failure reason, an ETA and a rider, then the mail gets them, cut to size', () => {
    const delivery = aDeliveryOf(anOrder(), {
      status: 'failed',
      failureReason: 'x'.repeat(600),
      eta: { at: at(45), minutes: 5, distanceKm: 1.2, basedOnPositionAt: at(40) },
      rider: { id: 'r-1', name: 'Rosa' },
    });
    expect(mailDetailsOf(deliveryEvent('delivery.status_changed', delivery))).toEqual({ failureReason: 'x'.repeat(500), etaAt: at(45), riderName: 'Rosa' });
    expect(mailDetailsOf(orderCreated(anOrder()))).toEqual({});
  });
});

describe('a mail about a stage the order is already past', () => {
  it.each<[MailKind, MailKind[], MailKind | undefined]>([
    ['out_for_delivery', ['placed'], undefined],
    ['arriving', ['placed', 'out_for_delivery', 'late'], undefined],
    ['out_for_delivery', ['placed', 'arriving'], 'arriving'],
    ['arriving', ['delivered'], 'delivered'],
    ['late', ['placed', 'out_for_delivery', 'arriving'], undefined],
    ['late', ['failed'], 'failed'],
    ['failed', ['delivered'], 'delivered'],
    ['delivered', ['failed'], 'failed'],
    ['delivered', ['placed', 'late', 'arriving'], undefined],
    ['placed', ['out_for_delivery'], 'out_for_delivery'],
  ])('when %s is due and %j were mailed, then it is superseded by %s', (kind, recorded, by) => {
    expect(supersededBy(kind, recorded)).toBe(by);
  });
});
