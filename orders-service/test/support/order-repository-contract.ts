import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DuplicateOrderNumberError, type OrderRepository } from '../../src/data-access/order-repository.js';
import { anOrder, at, changedTo, createdEventOf } from './order-factories.js';
import type { OpenedOrderRepository } from './order-adapters.js';
import { tryToChange } from '@orderpulse/service-kit/testing';

/** One behaviour for every adapter: each runs this same suite (see order-repository.test.ts). */
export function describeOrderRepositoryContract(name: string, factory: () => Promise<OpenedOrderRepository>): void {
  describe(`order repository contract: ${name}`, () => {
    let subject: OpenedOrderRepository;
    let repo: OrderRepository;
    beforeEach(async () => {
      subject = await factory();
      repo = subject.repository;
    });
    afterEach(async () => {
      await subject.dispose();
    });

    async function inserted(overrides: Parameters<typeof anOrder>[0] = {}) {
      const order = anOrder(overrides);
      const created = createdEventOf(order);
      await repo.insert(order, created);
      return { order, created };
    }

    describe('create and read', () => {
      it('when an order is inserted, then it reads back with its order.created event pending', async () => {
        const { order, created } = await inserted();
        expect(repo.isReady()).toBe(true);
        expect(await repo.findById(order.id)).toEqual({ order, pendingEvents: [created] });
        expect(await repo.findByOrderNumber(order.orderNumber)).toEqual(order);
      });

      it('when optional fields are present or absent, then they round-trip exactly', async () => {
        const withAll = await inserted({
          deliveryAddress: { line1: '2 High St', line2: 'Flat 3', city: 'Leeds', postcode: 'LS1 1AA', country: 'GB', lat: 53.8, lng: -1.55 },
          history: [{ status: 'pending', at: at(0), note: 'gift wrap' }],
          trackingNumber: 'TRK-1',
        });
        const withNone = await inserted({ deliveryAddress: { line1: '2 High St', city: 'Leeds', postcode: 'LS1 1AA', country: 'GB' } });
        expect((await repo.findById(withAll.order.id))?.order).toStrictEqual(withAll.order);
        expect((await repo.findById(withNone.order.id))?.order).toStrictEqual(withNone.order);
      });

      it('when the order has a promised delivery window (issue 18 point 5), then it round-trips exactly', async () => {
        const { order } = await inserted({ deliveryWindow: { start: at(0), end: at(90) } });
        expect((await repo.findById(order.id))?.order).toStrictEqual(order);
      });

      it('when an id or order number is unknown, then reads return null', async () => {
        await inserted();
        expect(await repo.findById('00000000-0000-4000-8000-000000000000')).toBeNull();
        expect(await repo.findOrder('00000000-0000-4000-8000-000000000000')).toBeNull();
        expect(await repo.findByOrderNumber('OP-NOPE0000')).toBeNull();
      });

      it('when an order number is taken, then the insert fails with DuplicateOrderNumberError and stores nothing', async () => {
        const { order, created } = await inserted();
        const clash = anOrder({ orderNumber: order.orderNumber });
        await expect(repo.insert(clash, createdEventOf(clash))).rejects.toBeInstanceOf(DuplicateOrderNumberError);
        expect(await repo.findById(clash.id)).toBeNull();
        expect(await repo.findById(order.id)).toEqual({ order, pendingEvents: [created] });
      });

      it('when a caller mutates what it read, then the stored order does not change', async () => {
        const { order } = await inserted();
        const read = await repo.findById(order.id);
        read!.order.status = 'cancelled';
        read!.pendingEvents.length = 0;
        const again = await repo.findById(order.id);
        expect(again?.order.status).toBe('pending');
        expect(again?.pendingEvents).toHaveLength(1);
      });

      it('when the order alone is read, then it is the stored order, without its pending events, and changing it changes nothing stored', async () => {
        const { order } = await inserted({ deliveryWindow: { start: at(0), end: at(90) }, trackingNumber: 'TRK-2' });
        const read = await repo.findOrder(order.id);
        expect(read).toStrictEqual(order);
        tryToChange(() => (read!.status = 'cancelled'));
        tryToChange(() => read!.history.push({ status: 'cancelled', at: at(1) }));
        tryToChange(() => (read!.history[0]!.status = 'cancelled'));
        expect(await repo.findOrder(order.id)).toStrictEqual(order);
      });

      it('when a caller mutates what it wrote, then the stored order and event do not change', async () => {
        const { order, created } = await inserted();
        const { next, event } = changedTo(order, 'confirmed', at(5));
        const expected = { order: structuredClone(next), pendingEvents: [created, structuredClone(event)] };
        expect(await repo.update(next, 1, event)).toBe(true);
        next.status = 'cancelled';
        next.history.length = 0;
        (event.data as { status: string }).status = 'cancelled';
        expect(await repo.findById(order.id)).toEqual(expected);
        expect(await repo.findOrder(order.id)).toStrictEqual(expected.order);
      });
    });

    describe('optimistic updates with the outbox', () => {
      it('when the expected version matches, then the new state and its event are stored together', async () => {
        const { order, created } = await inserted();
        const { next, event } = changedTo(order, 'confirmed', at(5));
        expect(await repo.update(next, 1, event)).toBe(true);
        expect(await repo.findById(order.id)).toEqual({ order: next, pendingEvents: [created, event] });
        expect(await repo.findOrder(order.id)).toStrictEqual(next);
      });

      it('when the expected version is stale, then neither the state nor the event is written', async () => {
        const { order } = await inserted();
        const first = changedTo(order, 'confirmed', at(5));
        await repo.update(first.next, 1, first.event);
        const before = await repo.findById(order.id);
        const stale = changedTo(order, 'cancelled', at(6));
        expect(await repo.update(stale.next, 1, stale.event)).toBe(false);
        expect(await repo.findById(order.id)).toEqual(before);
      });

      it('when two writers race from the same version, then exactly one wins', async () => {
        const { order, created } = await inserted();
        const a = changedTo(order, 'confirmed', at(5));
        const b = changedTo(order, 'cancelled', at(5));
        const results = await Promise.all([repo.update(a.next, 1, a.event), repo.update(b.next, 1, b.event)]);
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results[0] ? a : b;
        expect(await repo.findById(order.id)).toEqual({ order: winner.next, pendingEvents: [created, winner.event] });
      });

      it('when the order does not exist, then the update reports false and creates nothing', async () => {
        const ghost = anOrder();
        const { next, event } = changedTo(ghost, 'confirmed', at(5));
        expect(await repo.update(next, 1, event)).toBe(false);
        expect(await repo.findById(ghost.id)).toBeNull();
      });
    });

    // Issue 18 point 7.
    describe('feedback', () => {
      it('when a delivered order is rated, then it reads back with the rating; a second rating and a rating before delivery are refused', async () => {
        const delivered = await inserted({ status: 'delivered' });
        const pending = await inserted();
        const feedback = { rating: 4, comment: 'fine', at: at(10) };
        expect(await repo.recordFeedback(delivered.order.id, feedback)).toBe('recorded');
        expect(await repo.recordFeedback(delivered.order.id, { rating: 1, at: at(11) })).toBe('already_rated');
        expect(await repo.recordFeedback(pending.order.id, { rating: 1, at: at(11) })).toBe('not_delivered');
        expect(await repo.recordFeedback('00000000-0000-4000-8000-000000000000', { rating: 1, at: at(11) })).toBe('not_found');
        expect((await repo.findById(delivered.order.id))?.order).toStrictEqual({ ...delivered.order, feedback });
        expect((await repo.findById(pending.order.id))?.order.feedback).toBeUndefined();
      });

      it('when several orders are rated, then listFeedback gives the newest first, at most the limit', async () => {
        const ids: string[] = [];
        for (const minute of [1, 3, 2]) {
          const { order } = await inserted({ status: 'delivered' });
          ids.push(order.id);
          await repo.recordFeedback(order.id, { rating: minute, at: at(minute) });
        }
        const listed = await repo.listFeedback(2);
        expect(listed.map((r) => r.feedback.rating)).toEqual([3, 2]);
        expect(listed[0]).toMatchObject({ orderId: ids[1] });
      });
    });

    describe('listing', () => {
      async function fiveOrders() {
        const statuses = ['pending', 'confirmed', 'pending', 'cancelled', 'pending'] as const;
        const orders = [];
        for (const [i, status] of statuses.entries()) orders.push((await inserted({ status, createdAt: at(i) })).order);
        return orders;
      }

      it('when listing everything, then orders come newest first without their outbox', async () => {
        const orders = await fiveOrders();
        const page = await repo.list({ limit: 10 });
        expect(page.items).toEqual([...orders].reverse());
        expect(page.next).toBeUndefined();
      });

      it('when paging with the returned position, then every order appears once, in order', async () => {
        const orders = await fiveOrders();
        const seen = [];
        let page = await repo.list({ limit: 2 });
        seen.push(...page.items);
        while (page.next) {
          page = await repo.list({ limit: 2, after: page.next });
          seen.push(...page.items);
        }
        expect(seen.map((o) => o.id)).toEqual([...orders].reverse().map((o) => o.id));
      });

      it('when orders share a creation time, then paging still neither skips nor repeats', async () => {
        const ids = [];
        for (let i = 0; i < 5; i += 1) ids.push((await inserted({ createdAt: at(1) })).order.id);
        const first = await repo.list({ limit: 3 });
        const second = await repo.list({ limit: 3, after: first.next! });
        const listed = [...first.items, ...second.items].map((o) => o.id);
        expect(listed).toEqual([...ids].sort().reverse());
        expect(second.next).toBeUndefined();
      });

      it('when filtering by status, then only that status is listed and paged', async () => {
        const orders = await fiveOrders();
        const pendingNewestFirst = orders.filter((o) => o.status === 'pending').reverse();
        const first = await repo.list({ status: 'pending', limit: 2 });
        expect(first.items).toEqual(pendingNewestFirst.slice(0, 2));
        const second = await repo.list({ status: 'pending', limit: 2, after: first.next! });
        expect(second.items).toEqual(pendingNewestFirst.slice(2));
        expect(second.next).toBeUndefined();
        expect((await repo.list({ status: 'delivered', limit: 5 })).items).toEqual([]);
      });
    });
  });
}
