import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { AdminFeedMessage, DeliverySnapshot } from '@orderpulse/contracts';
import { FleetModel } from '../src/apps/admin/fleet-model.js';

function aDelivery(overrides: Partial<DeliverySnapshot> = {}): DeliverySnapshot {
  return {
    id: randomUUID(),
    orderId: randomUUID(),
    orderNumber: 'OP-FLEET01',
    status: 'picked_up',
    rider: { id: 'rider-rosa', name: 'Rosa Parks' },
    address: { line1: '12 Harbour Road', city: 'Bristol', postcode: 'BS1 5TY', country: 'GB', lat: 51.4495, lng: -2.5966 },
    history: [],
    lastPosition: { lat: 51.45, lng: -2.59, at: '2026-11-26T11:00:00.000Z' },
    eta: null,
    failureReason: null,
    version: 4,
    createdAt: '2026-11-26T10:00:00.000Z',
    updatedAt: '2026-11-26T11:00:00.000Z',
    ...overrides,
  };
}

const feed = (type: string, data: unknown, version: number, orderId: string = randomUUID()): AdminFeedMessage => ({
  eventId: randomUUID(),
  type,
  orderId,
  version,
  occurredAt: '2026-11-26T11:00:00.000Z',
  data,
});

describe('FleetModel (the console map)', () => {
  it('when deliveries load and positions arrive on the feed, then each rider shows at their newest position with what they carry', () => {
    const fleet = new FleetModel();
    const a = aDelivery({ orderNumber: 'OP-FLEET01' });
    const b = aDelivery({ orderNumber: 'OP-FLEET02', status: 'in_transit', lastPosition: { lat: 51.46, lng: -2.6, at: '2026-11-26T11:05:00.000Z' } });
    const waiting = aDelivery({ orderNumber: 'OP-FLEET03', status: 'awaiting_assignment', rider: null, lastPosition: null });
    fleet.applySnapshots([a, b, waiting]);
    expect(fleet.active.map((d) => d.orderNumber)).toEqual(['OP-FLEET01', 'OP-FLEET02', 'OP-FLEET03']);
    expect(fleet.riders).toEqual([{ id: 'rider-rosa', name: 'Rosa Parks', position: b.lastPosition, orderNumbers: ['OP-FLEET01', 'OP-FLEET02'] }]);

    fleet.applyFeed(
      feed('delivery.location_updated', { deliveryId: a.id, riderId: 'rider-rosa', lat: 51.47, lng: -2.61, at: '2026-11-26T11:06:00.000Z' }, 5, a.orderId),
    );
    expect(fleet.riders[0]?.position).toEqual({ lat: 51.47, lng: -2.61, at: '2026-11-26T11:06:00.000Z' });
    // Older versions, other events and garbage change nothing.
    fleet.applyFeed(
      feed('delivery.location_updated', { deliveryId: a.id, riderId: 'rider-rosa', lat: 1, lng: 1, at: '2026-11-26T11:07:00.000Z' }, 5, a.orderId),
    );
    fleet.applyFeed(feed('order.status_changed', { from: 'shipped', to: 'out_for_delivery' }, 9));
    fleet.applyFeed(feed('delivery.status_changed', { nonsense: true }, 9));
    expect(fleet.riders[0]?.position.lat).toBe(51.47);
  });

  it('when delivery.arriving comes on the feed, then the delivery is arriving in the list', () => {
    const fleet = new FleetModel();
    const a = aDelivery();
    fleet.applySnapshots([a]);
    expect(fleet.active[0]?.arrivingAt).toBeUndefined();
    fleet.applyFeed(feed('delivery.arriving', { ...a, arrivingAt: '2026-11-26T11:09:00.000Z', version: 5 }, 5, a.orderId));
    expect(fleet.active[0]).toMatchObject({ status: 'picked_up', arrivingAt: '2026-11-26T11:09:00.000Z', version: 5 });
  });

  it('when a delivery is delivered or fails, then it leaves the map, and a late older event does not bring it back', () => {
    const fleet = new FleetModel();
    const a = aDelivery();
    fleet.applySnapshots([a]);
    let changes = 0;
    fleet.on('changed', () => (changes += 1));
    fleet.applyFeed(feed('delivery.status_changed', { ...a, status: 'delivered', version: 6 }, 6, a.orderId));
    expect(fleet.active).toEqual([]);
    fleet.applyFeed(feed('delivery.assigned', { ...a, status: 'assigned', version: 5 }, 5, a.orderId));
    expect(fleet.active).toEqual([]);
    expect(changes).toBe(1);
  });

  it('when a delivery is created or assigned on the feed, then it joins the fleet with its address', () => {
    const fleet = new FleetModel();
    const created = aDelivery({ status: 'awaiting_assignment', rider: null, lastPosition: null, version: 1 });
    fleet.applyFeed(feed('delivery.created', created, 1, created.orderId));
    fleet.applyFeed(
      feed('delivery.assigned', { ...created, status: 'assigned', rider: { id: 'rider-nikola', name: 'Nikola Tesla' }, version: 2 }, 2, created.orderId),
    );
    expect(fleet.active).toEqual([
      expect.objectContaining({ status: 'assigned', rider: { id: 'rider-nikola', name: 'Nikola Tesla' }, destination: { lat: 51.4495, lng: -2.5966 } }),
    ]);
    expect(fleet.riders).toEqual([]);
  });
});
