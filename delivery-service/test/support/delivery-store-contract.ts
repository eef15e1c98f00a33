import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { DeliverySnapshot } from '@orderpulse/contracts';
import { DuplicateDeliveryError, DuplicateRiderError, type DeliveryStore } from '../../src/data-access/delivery-store.js';
import { locationUpdatedEvent, snapshotEvent } from '../../src/domain/delivery-events.js';
import { aDelivery, anAddress, aRider, at, changed } from './factories.js';
import type { OpenedDeliveryStore } from './delivery-adapters.js';

/** One behaviour for every adapter: each runs this same suite (see delivery-store.test.ts). */
export function describeDeliveryStoreContract(name: string, factory: () => Promise<OpenedDeliveryStore>): void {
  describe(`delivery store contract: ${name}`, () => {
    let subject: OpenedDeliveryStore;
    let store: DeliveryStore;
    beforeEach(async () => {
      subject = await factory();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.dispose();
    });

    async function inserted(overrides: Partial<DeliverySnapshot> = {}) {
      const delivery = aDelivery(overrides);
      const created = snapshotEvent('delivery.created', delivery);
      await store.deliveries.insert(delivery, created);
      return { delivery, created };
    }

    describe('deliveries: create and read', () => {
      it('when a delivery is inserted, then it reads back by id and by order with its delivery.created event pending', async () => {
        const { delivery, created } = await inserted();
        expect(store.isReady()).toBe(true);
        expect(await store.deliveries.findById(delivery.id)).toEqual({ delivery, pendingEvents: [created] });
        expect(await store.deliveries.findByOrderId(delivery.orderId)).toEqual(delivery);
      });

      it('when every optional field is present or absent, then each round-trips exactly', async () => {
        const full = await inserted({
          status: 'in_transit',
          rider: { id: 'rider-7', name: 'Rosa' },
          address: anAddress({ line2: 'Flat 3' }),
          history: [
            { status: 'awaiting_assignment', at: at(0) },
            { status: 'assigned', at: at(1), note: 'nearest rider' },
            { status: 'picked_up', at: at(2), lat: 51.45, lng: -2.58 },
          ],
          lastPosition: { lat: 51.451, lng: -2.59, heading: 270, at: at(3) },
          eta: { at: at(9), minutes: 6.5, distanceKm: 2.1, basedOnPositionAt: at(3) },
          failureReason: null,
          arrivingAt: at(3),
          instructions: 'Gate code 4711',
          method: 'leave_at_door',
          proof: { required: 'photo', failedPinAttempts: 0, givenAt: at(4), file: { kind: 'photo', contentType: 'image/jpeg', bytes: 123_456, at: at(4) } },
        });
        const locked = await inserted({ proof: { required: 'pin', pin: '0042', failedPinAttempts: 5, lockedAt: at(5) } });
        expect((await store.deliveries.findById(locked.delivery.id))?.delivery).toStrictEqual(locked.delivery);
        const bare = await inserted({
          address: { line1: '1 Main St', city: 'Leeds', postcode: 'LS1 1AA', country: 'GB' },
          lastPosition: { lat: 1, lng: 2, at: at(1) },
        });
        const failed = await inserted({ status: 'failed', failureReason: 'nobody home' });
        expect((await store.deliveries.findById(full.delivery.id))?.delivery).toStrictEqual(full.delivery);
        expect((await store.deliveries.findById(bare.delivery.id))?.delivery).toStrictEqual(bare.delivery);
        expect((await store.deliveries.findById(failed.delivery.id))?.delivery).toStrictEqual(failed.delivery);
      });

      it('when the lateness and stop fields (issue 18 points 5 and 6) are set, then they round-trip exactly, and an update can add them', async () => {
        const { delivery } = await inserted({
          status: 'in_transit',
          promisedWindow: { start: at(0), end: at(60) },
          etaAtPickup: { at: at(30), minutes: 20, distanceKm: 7, basedOnPositionAt: at(10) },
          lateSince: at(61),
          stopsBefore: 2,
          stopRank: 1_764_151_200_000,
        });
        expect((await store.deliveries.findById(delivery.id))?.delivery).toStrictEqual(delivery);
        const plain = await inserted({ promisedWindow: { start: at(0), end: at(60) } });
        const next = { ...plain.delivery, lateSince: at(70), stopsBefore: 0, version: 2, updatedAt: at(70) };
        expect(await store.deliveries.update(next, 1, snapshotEvent('delivery.late', next))).toBe(true);
        expect((await store.deliveries.findById(plain.delivery.id))?.delivery).toStrictEqual(next);
      });

      it('when an id or order is unknown, then reads return null', async () => {
        await inserted();
        expect(await store.deliveries.findById('00000000-0000-4000-8000-000000000000')).toBeNull();
        expect(await store.deliveries.findByOrderId('00000000-0000-4000-8000-000000000000')).toBeNull();
      });

      it('when the order already has a delivery, then the insert fails with DuplicateDeliveryError and stores nothing', async () => {
        const { delivery, created } = await inserted();
        const second = aDelivery({ orderId: delivery.orderId });
        await expect(store.deliveries.insert(second, snapshotEvent('delivery.created', second))).rejects.toBeInstanceOf(DuplicateDeliveryError);
        expect(await store.deliveries.findById(second.id)).toBeNull();
        expect(await store.deliveries.findById(delivery.id)).toEqual({ delivery, pendingEvents: [created] });
      });

      it('when a caller mutates what it read, then the stored delivery does not change', async () => {
        const { delivery } = await inserted();
        const read = await store.deliveries.findById(delivery.id);
        read!.delivery.status = 'failed';
        read!.pendingEvents.length = 0;
        const again = await store.deliveries.findById(delivery.id);
        expect(again?.delivery.status).toBe('awaiting_assignment');
        expect(again?.pendingEvents).toHaveLength(1);
      });
    });

    describe('deliveries: optimistic updates with the outbox', () => {
      it('when the expected version matches, then the new state and its event are stored together', async () => {
        const { delivery, created } = await inserted();
        const { next, event } = changed(delivery, 'assigned', at(5));
        expect(await store.deliveries.update(next, 1, event)).toBe(true);
        expect(await store.deliveries.findById(delivery.id)).toEqual({ delivery: next, pendingEvents: [created, event] });
      });

      it('when a location event is stored, then its position and ETA are kept as written', async () => {
        const { delivery, created } = await inserted({ status: 'picked_up', rider: { id: 'rider-1', name: 'Rosa' } });
        const position = { lat: 51.46, lng: -2.58, heading: 90, at: at(6) };
        const next = {
          ...delivery,
          lastPosition: position,
          eta: { at: at(20), minutes: 14, distanceKm: 4.6, basedOnPositionAt: at(6) },
          version: 2,
          updatedAt: at(6),
        };
        const event = locationUpdatedEvent(next, 'rider-1', position);
        expect(await store.deliveries.update(next, 1, event)).toBe(true);
        expect(await store.deliveries.findById(delivery.id)).toEqual({ delivery: next, pendingEvents: [created, event] });
      });

      it('when the expected version is stale, then neither the state nor the event is written', async () => {
        const { delivery } = await inserted();
        const first = changed(delivery, 'assigned', at(5));
        await store.deliveries.update(first.next, 1, first.event);
        const before = await store.deliveries.findById(delivery.id);
        const stale = changed(delivery, 'failed', at(6));
        expect(await store.deliveries.update(stale.next, 1, stale.event)).toBe(false);
        expect(await store.deliveries.findById(delivery.id)).toEqual(before);
      });

      it('when two writers race from the same version, then exactly one wins', async () => {
        const { delivery, created } = await inserted();
        const a = changed(delivery, 'assigned', at(5));
        const b = changed(delivery, 'failed', at(5));
        const results = await Promise.all([store.deliveries.update(a.next, 1, a.event), store.deliveries.update(b.next, 1, b.event)]);
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results[0] ? a : b;
        expect(await store.deliveries.findById(delivery.id)).toEqual({ delivery: winner.next, pendingEvents: [created, winner.event] });
      });

      it('when the delivery does not exist, then the update reports false and creates nothing', async () => {
        const ghost = aDelivery();
        const { next, event } = changed(ghost, 'assigned', at(5));
        expect(await store.deliveries.update(next, 1, event)).toBe(false);
        expect(await store.deliveries.findById(ghost.id)).toBeNull();
      });
    });

    describe('deliveries: listing', () => {
      it('when listing, then deliveries come newest first, filtered by order, rider and statuses, up to the limit', async () => {
        const rosa = { id: 'rosa', name: 'Rosa' };
        const a = (await inserted({ createdAt: at(1), status: 'assigned', rider: rosa })).delivery;
        const b = (await inserted({ createdAt: at(2), status: 'in_transit', rider: rosa })).delivery;
        const c = (await inserted({ createdAt: at(3), status: 'delivered', rider: rosa })).delivery;
        const d = (await inserted({ createdAt: at(4) })).delivery;

        expect((await store.deliveries.list({ limit: 10 })).map((x) => x.id)).toEqual([d.id, c.id, b.id, a.id]);
        expect((await store.deliveries.list({ limit: 2 })).map((x) => x.id)).toEqual([d.id, c.id]);
        expect(await store.deliveries.list({ orderId: b.orderId, limit: 10 })).toEqual([b]);
        expect((await store.deliveries.list({ riderId: 'rosa', limit: 10 })).map((x) => x.id)).toEqual([c.id, b.id, a.id]);
        const open = await store.deliveries.list({ riderId: 'rosa', statuses: ['assigned', 'picked_up', 'in_transit'], limit: 10 });
        expect(open.map((x) => x.id)).toEqual([b.id, a.id]);
        expect(await store.deliveries.list({ riderId: 'nobody', limit: 10 })).toEqual([]);
      });

      it('when deliveries share a creation time, then the id breaks the tie', async () => {
        const ids = [];
        for (let i = 0; i < 4; i += 1) ids.push((await inserted({ createdAt: at(1) })).delivery.id);
        expect((await store.deliveries.list({ limit: 10 })).map((x) => x.id)).toEqual([...ids].sort().reverse());
      });
    });

    // Issue 18 point 5.
    describe('deliveries: lateness queries', () => {
      it('when windows have ended, then overdue lists the open, unmarked ones, earliest end first, up to the limit', async () => {
        const window = (end: number) => ({ promisedWindow: { start: at(0), end: at(end) } });
        const a = await inserted({ status: 'in_transit', ...window(20) });
        const b = await inserted({ status: 'awaiting_assignment', ...window(10) });
        await inserted({ status: 'in_transit', ...window(15), lateSince: at(16) });
        await inserted({ status: 'delivered', ...window(5) });
        await inserted({ status: 'assigned', ...window(50) });
        await inserted({ status: 'assigned' });
        const now = new Date(at(30));
        expect((await store.deliveries.overdue(now, 10)).map((d) => d.id)).toEqual([b.delivery.id, a.delivery.id]);
        expect((await store.deliveries.overdue(now, 1)).map((d) => d.id)).toEqual([b.delivery.id]);
      });

      it('when deliveries were handed over at different times, then deliveredBetween returns those in [from, to), newest first', async () => {
        const handedOver = (minute: number) => ({
          status: 'delivered' as const,
          history: [
            { status: 'awaiting_assignment' as const, at: at(0) },
            { status: 'delivered' as const, at: at(minute) },
          ],
          updatedAt: at(minute),
        });
        const early = await inserted(handedOver(5));
        const middle = await inserted(handedOver(20));
        await inserted(handedOver(40));
        await inserted({ status: 'in_transit' });
        const found = await store.deliveries.deliveredBetween(new Date(at(5)), new Date(at(40)), 10);
        expect(found.map((d) => d.id)).toEqual([middle.delivery.id, early.delivery.id]);
        expect(await store.deliveries.deliveredBetween(new Date(at(5)), new Date(at(40)), 1)).toHaveLength(1);
      });

      it('when a delivery becomes delivered through an update, then deliveredBetween finds it', async () => {
        const { delivery } = await inserted({ status: 'in_transit' });
        const next = {
          ...delivery,
          status: 'delivered' as const,
          history: [...delivery.history, { status: 'delivered' as const, at: at(12) }],
          version: 2,
          updatedAt: at(12),
        };
        expect(await store.deliveries.update(next, 1, snapshotEvent('delivery.status_changed', next))).toBe(true);
        expect((await store.deliveries.deliveredBetween(new Date(at(10)), new Date(at(15)), 10)).map((d) => d.id)).toEqual([delivery.id]);
      });
    });

    describe('riders', () => {
      it('when riders are inserted, then they read back by id and list oldest first, phone only when given', async () => {
        const later = aRider({ createdAt: at(2), phone: '+44 7700 900123' });
        const earlier = aRider({ createdAt: at(1) });
        await store.riders.insert(later);
        await store.riders.insert(earlier);
        expect(await store.riders.findById(later.id)).toStrictEqual(later);
        expect(await store.riders.findById(earlier.id)).toStrictEqual(earlier);
        expect(await store.riders.findById('nobody')).toBeNull();
        expect(await store.riders.list()).toStrictEqual([earlier, later]);
      });

      it('when a rider id is taken, then the insert fails with DuplicateRiderError and the first rider stays', async () => {
        const rider = aRider();
        await store.riders.insert(rider);
        await expect(store.riders.insert({ ...rider, name: 'Impostor' })).rejects.toBeInstanceOf(DuplicateRiderError);
        expect(await store.riders.findById(rider.id)).toStrictEqual(rider);
      });
    });

    describe('order directory', () => {
      it('when an order is remembered twice, then the first address is kept and reads back exactly', async () => {
        const first = { orderId: aDelivery().orderId, orderNumber: 'OP-ABCDEF12', address: anAddress({ line2: 'Flat 3' }) };
        await store.orders.remember(first);
        await store.orders.remember({ ...first, address: anAddress({ city: 'Elsewhere' }) });
        expect(await store.orders.find(first.orderId)).toStrictEqual(first);
        const noCoordinates = {
          orderId: aDelivery().orderId,
          orderNumber: 'OP-ABCDEF13',
          address: { line1: '1 Main St', city: 'Leeds', postcode: 'LS1 1AA', country: 'GB' },
        };
        await store.orders.remember(noCoordinates);
        expect(await store.orders.find(noCoordinates.orderId)).toStrictEqual(noCoordinates);
        expect(await store.orders.find('00000000-0000-4000-8000-000000000000')).toBeNull();
        const withInstructions = {
          orderId: aDelivery().orderId,
          orderNumber: 'OP-ABCDEF14',
          address: anAddress(),
          instructions: 'Ring twice',
          method: 'safe_place' as const,
        };
        await store.orders.remember(withInstructions);
        expect(await store.orders.find(withInstructions.orderId)).toStrictEqual(withInstructions);
        const withWindow = { ...noCoordinates, orderId: aDelivery().orderId, orderNumber: 'OP-ABCDEF15', deliveryWindow: { start: at(0), end: at(90) } };
        await store.orders.remember(withWindow);
        expect(await store.orders.find(withWindow.orderId)).toStrictEqual(withWindow);
      });

      it('when a proof image is stored, then it reads back with its type and bytes, and a later one replaces it', async () => {
        const id = aDelivery().id;
        expect(await store.proofFiles.get(id)).toBeNull();
        const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 1, 2, 255]);
        await store.proofFiles.put(id, { contentType: 'image/jpeg', bytes: jpeg });
        const read = await store.proofFiles.get(id);
        expect(read?.contentType).toBe('image/jpeg');
        expect(read?.bytes.equals(jpeg)).toBe(true);
        const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 9]);
        await store.proofFiles.put(id, { contentType: 'image/png', bytes: png });
        const replaced = await store.proofFiles.get(id);
        expect(replaced?.contentType).toBe('image/png');
        expect(replaced?.bytes.equals(png)).toBe(true);
      });
    });
  });
}
