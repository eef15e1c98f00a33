import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { AdminFeedMessage, DeliverySnapshot } from '@orderpulse/contracts';
import { FleetModel } from '../src/apps/admin/fleet-model.js';
import { flaggedDeliveries, flaggedEntries } from '../src/apps/admin/lateness-view.js';
import { OrdersStore } from '../src/apps/admin/orders-store.js';

const NOW = new Date('2026-11-26T12:00:00.000Z');
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();

function aDelivery(orderNumber: string, windowEnd: number | undefined, etaAt: number | undefined, overrides: Partial<DeliverySnapshot> = {}): DeliverySnapshot {
  return {
    id: randomUUID(),
    orderId: randomUUID(),
    orderNumber,
    status: 'in_transit',
    rider: { id: 'rider-rosa', name: 'Rosa Parks' },
    address: { line1: '12 Harbour Road', city: 'Bristol', postcode: 'BS1 5TY', country: 'GB', lat: 51.4495, lng: -2.5966 },
    history: [],
    lastPosition: null,
    eta: etaAt === undefined ? null : { at: at(etaAt), minutes: 10, distanceKm: 3, basedOnPositionAt: at(-1) },
    failureReason: null,
    version: 4,
    createdAt: at(-60),
    updatedAt: at(-1),
    ...(windowEnd === undefined ? {} : { promisedWindow: { start: at(-60), end: at(windowEnd) } }),
    ...overrides,
  };
}

/** Issue 18 point 5: what the console's late and at-risk panel lists. */
describe('late and at-risk deliveries in the console', () => {
  it('when ETAs fall after, near and well inside their windows, then the late and at-risk ones are listed, the latest first', () => {
    const fleet = new FleetModel();
    fleet.applySnapshots([
      aDelivery('OP-LATE0001', 10, 15), // ETA 5 min past the end
      aDelivery('OP-LATE0002', -20, undefined, { status: 'awaiting_assignment', rider: null }), // window ended 20 min ago
      aDelivery('OP-RISK0001', 30, 25), // 5 min to spare
      aDelivery('OP-FINE0001', 60, 20),
      aDelivery('OP-NOWIN001', undefined, 20),
    ]);
    const flagged = flaggedDeliveries(fleet.active, NOW);
    expect(flagged.map((f) => [f.delivery.orderNumber, f.lateness.state, f.lateness.minutesLate])).toEqual([
      ['OP-LATE0002', 'late', 20],
      ['OP-LATE0001', 'late', 5],
      ['OP-RISK0001', 'at_risk', -5],
    ]);
  });

  it('when a position on the feed brings a new ETA past the window, then the delivery becomes late without a new snapshot; time passing alone makes an at-risk one late', () => {
    const fleet = new FleetModel();
    const risky = aDelivery('OP-RISK0002', 30, 25);
    fleet.applySnapshots([risky]);
    expect(flaggedDeliveries(fleet.active, NOW)[0]?.lateness.state).toBe('at_risk');
    const position: AdminFeedMessage = {
      eventId: randomUUID(),
      type: 'delivery.location_updated',
      orderId: risky.orderId,
      version: 5,
      occurredAt: at(0),
      data: {
        deliveryId: risky.id,
        riderId: 'rider-rosa',
        lat: 51.5,
        lng: -2.5,
        at: at(0),
        eta: { at: at(45), minutes: 45, distanceKm: 12, basedOnPositionAt: at(0) },
      },
    };
    fleet.applyFeed(position);
    expect(flaggedDeliveries(fleet.active, NOW).map((f) => [f.lateness.state, f.lateness.minutesLate])).toEqual([['late', 15]]);

    const waiting = new FleetModel();
    waiting.applySnapshots([aDelivery('OP-RISK0003', 5, undefined, { status: 'assigned' })]);
    expect(flaggedDeliveries(waiting.active, NOW)[0]?.lateness.state).toBe('at_risk');
    expect(flaggedDeliveries(waiting.active, new Date(Date.parse(at(6))))[0]?.lateness.state).toBe('late');
  });

  it('when delivery.late arrives on the feed, then the fleet takes its snapshot (lateSince)', () => {
    const fleet = new FleetModel();
    const delivery = aDelivery('OP-LATE0003', 10, 5);
    fleet.applySnapshots([delivery]);
    fleet.applyFeed({
      eventId: randomUUID(),
      type: 'delivery.late',
      orderId: delivery.orderId,
      version: 5,
      occurredAt: at(0),
      data: { ...delivery, version: 5, lateSince: at(0) },
    });
    expect(fleet.active[0]).toMatchObject({ lateSince: at(0), version: 5 });
  });

  it('when an order not shipped yet has passed or nears its window, then it is listed by its own window; once its delivery exists, only the delivery counts', () => {
    const orders = new OrdersStore();
    const order = (orderNumber: string, status: 'pending' | 'processing' | 'shipped', end: number) => ({
      id: randomUUID(),
      orderNumber,
      customer: { name: 'Ada', email: 'ada@example.com' },
      items: [{ sku: 'A', name: 'A', quantity: 1, unitPriceCents: 1 }],
      deliveryAddress: { line1: '1 Main St', city: 'Leeds', postcode: 'LS1 1AA', country: 'GB' },
      status,
      trackingNumber: null,
      history: [],
      version: 1,
      createdAt: at(-90),
      updatedAt: at(-90),
      deliveryWindow: { start: at(-90), end: at(end) },
    });
    const stale = order('OP-PEND0001', 'pending', -30);
    const soon = order('OP-PROC0001', 'processing', 5);
    const shipped = order('OP-SHIP0001', 'shipped', -30);
    orders.upsertSnapshots([stale, soon, shipped, order('OP-FINE0002', 'pending', 120)]);
    const fleet = new FleetModel();
    const delivery = aDelivery('OP-DELI0001', 60, 5);
    fleet.applySnapshots([delivery]);
    orders.upsertSnapshot({ ...order('OP-DELI0001', 'processing', -60), id: delivery.orderId });

    expect(flaggedEntries(fleet.active, orders.query(), NOW).map((f) => [f.orderNumber, f.lateness.state, f.detail])).toEqual([
      ['OP-PEND0001', 'late', 'not shipped yet · Order placed'],
      ['OP-PROC0001', 'at_risk', 'not shipped yet · Being prepared'],
    ]);
  });
});
