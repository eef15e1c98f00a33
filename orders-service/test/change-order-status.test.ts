import { describe, expect, it } from '@jest/globals';
import { allowedOrderTransitions, ORDER_STATUSES, orderStatusChangedEventSchema, type OrderSnapshot, type OrderStatus } from '@orderpulse/contracts';
import { createInMemoryOrderRepository } from '../src/data-access/in-memory-order-repository.js';
import type { OrderRepository } from '../src/data-access/order-repository.js';
import { changeOrderStatus } from '../src/domain/change-order-status.js';
import { ConcurrentUpdateError, InvalidTransitionError, OrderNotFoundError } from '../src/domain/order-errors.js';
import { anOrder, at, changedTo, createdEventOf } from './support/order-factories.js';
import { testDeps } from './support/use-case-deps.js';

const NOW = new Date('2026-11-26T12:00:00.000Z');

async function storedAt(repository: OrderRepository, status: OrderStatus, overrides: Partial<OrderSnapshot> = {}) {
  const order = anOrder({ status, history: [{ status, at: at(0) }], version: 3, ...overrides });
  await repository.insert(order, createdEventOf(order));
  return order;
}

/** Runs `interfere` once, right before the first update reaches the store: a writer that got there first. */
function repositoryWithRival(interfere: (inner: OrderRepository) => Promise<void>, times = 1): OrderRepository {
  const inner = createInMemoryOrderRepository();
  let rivals = 0;
  return {
    ...inner,
    async update(next, expectedVersion, event) {
      if (rivals < times) {
        rivals += 1;
        await interfere(inner);
      }
      return inner.update(next, expectedVersion, event);
    },
  };
}

const allowed = ORDER_STATUSES.flatMap((from) => allowedOrderTransitions(from).map((to) => [from, to] as const));
const refused = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.filter((to) => !allowedOrderTransitions(from).includes(to)).map((to) => [from, to] as const));

describe('change order status', () => {
  it.each(allowed)('when moving %s → %s, then the order and its event are stored at the next version', async (from, to) => {
    const deps = testDeps({ now: NOW });
    const order = await storedAt(deps.repository, from);

    const changed = await changeOrderStatus(deps, { orderId: order.id, status: to });

    expect(changed).toMatchObject({ status: to, version: 4, updatedAt: NOW.toISOString() });
    expect(changed.history).toEqual([...order.history, { status: to, at: NOW.toISOString() }]);
    const stored = await deps.repository.findById(order.id);
    expect(stored?.order).toEqual(changed);
    expect(stored?.pendingEvents).toHaveLength(2);
    const event = orderStatusChangedEventSchema.parse(stored?.pendingEvents[1]);
    expect(event).toMatchObject({ orderId: order.id, version: 4, occurredAt: NOW.toISOString() });
    expect(event.data).toEqual({ orderNumber: order.orderNumber, from, to, trackingNumber: null, history: changed.history });
    expect(deps.kicked).toEqual([order.id]);
  });

  it.each(refused)('when moving %s → %s, then it is refused as a conflict and nothing is written', async (from, to) => {
    const deps = testDeps();
    const order = await storedAt(deps.repository, from);
    const before = await deps.repository.findById(order.id);

    const error = await changeOrderStatus(deps, { orderId: order.id, status: to }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvalidTransitionError);
    expect(error).toMatchObject({ kind: 'conflict', details: { from, to, allowed: allowedOrderTransitions(from) } });
    expect((error as Error).message).toContain(`from ${from} to ${to}`);
    expect(await deps.repository.findById(order.id)).toEqual(before);
    expect(deps.kicked).toEqual([]);
  });

  it('when the order is unknown, then it fails as not found', async () => {
    const deps = testDeps();
    const error = await changeOrderStatus(deps, { orderId: anOrder().id, status: 'confirmed' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrderNotFoundError);
    expect(error).toMatchObject({ kind: 'not_found' });
  });

  it('when a note and tracking number are given, then they reach the history, the order and the event', async () => {
    const deps = testDeps({ now: NOW });
    const order = await storedAt(deps.repository, 'processing');

    const changed = await changeOrderStatus(deps, { orderId: order.id, status: 'shipped', note: 'left the depot', trackingNumber: 'TRK-42' });

    expect(changed.trackingNumber).toBe('TRK-42');
    expect(changed.history.at(-1)).toEqual({ status: 'shipped', at: NOW.toISOString(), note: 'left the depot' });
    const event = (await deps.repository.findById(order.id))?.pendingEvents[1];
    expect(event?.data).toMatchObject({ from: 'processing', to: 'shipped', trackingNumber: 'TRK-42', note: 'left the depot' });
  });

  it('when no tracking number is given, then the stored one is kept', async () => {
    const deps = testDeps();
    const order = await storedAt(deps.repository, 'shipped', { trackingNumber: 'TRK-7' });
    const changed = await changeOrderStatus(deps, { orderId: order.id, status: 'out_for_delivery' });
    expect(changed.trackingNumber).toBe('TRK-7');
  });

  it('when another writer changed the order first and the transition still applies, then it re-reads and applies on top', async () => {
    const repository = repositoryWithRival(async (inner) => {
      const current = (await inner.findById(order.id))!.order;
      const rival = changedTo(current, 'confirmed', at(1));
      await inner.update(rival.next, current.version, rival.event);
    });
    const deps = testDeps({ repository, now: NOW });
    const order = await storedAt(repository, 'pending', { version: 1 });

    const changed = await changeOrderStatus(deps, { orderId: order.id, status: 'cancelled' });

    expect(changed).toMatchObject({ status: 'cancelled', version: 3 });
    expect(changed.history.map((h) => h.status)).toEqual(['pending', 'confirmed', 'cancelled']);
    const stored = await repository.findById(order.id);
    expect(stored?.pendingEvents.map((e) => [e.type, e.version])).toEqual([
      ['order.created', 1],
      ['order.status_changed', 2],
      ['order.status_changed', 3],
    ]);
    expect(stored?.pendingEvents[2]?.data).toMatchObject({ from: 'confirmed', to: 'cancelled' });
  });

  it('when another writer made the transition invalid, then it is refused as a conflict after re-reading', async () => {
    const repository = repositoryWithRival(async (inner) => {
      const current = (await inner.findById(order.id))!.order;
      const rival = changedTo(current, 'cancelled', at(1));
      await inner.update(rival.next, current.version, rival.event);
    });
    const deps = testDeps({ repository });
    const order = await storedAt(repository, 'pending', { version: 1 });

    const error = await changeOrderStatus(deps, { orderId: order.id, status: 'confirmed' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvalidTransitionError);
    expect(error).toMatchObject({ details: { from: 'cancelled', to: 'confirmed' } });
    expect((await repository.findById(order.id))?.order).toMatchObject({ status: 'cancelled', version: 2 });
  });

  it('when rivals win every attempt, then it gives up as contended (a 409 over HTTP) and writes nothing of its own', async () => {
    const repository = repositoryWithRival(async (inner) => {
      const current = (await inner.findById(order.id))!.order;
      await inner.update({ ...current, version: current.version + 1 }, current.version, createdEventOf(current));
    }, Number.POSITIVE_INFINITY);
    const deps = testDeps({ repository });
    const order = await storedAt(repository, 'pending', { version: 1 });

    const error = await changeOrderStatus(deps, { orderId: order.id, status: 'confirmed' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConcurrentUpdateError);
    expect(error).toMatchObject({ kind: 'contended', code: 'conflict' });
    const stored = await repository.findById(order.id);
    expect(stored?.order.status).toBe('pending');
    expect(stored?.pendingEvents.some((e) => e.type === 'order.status_changed')).toBe(false);
    expect(deps.kicked).toEqual([]);
  });
});
