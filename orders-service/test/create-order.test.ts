import { describe, expect, it } from '@jest/globals';
import { orderCreatedEventSchema, orderSnapshotSchema } from '@orderpulse/contracts';
import { DuplicateOrderNumberError, type OrderRepository } from '../src/data-access/order-repository.js';
import { createInMemoryOrderRepository } from '../src/data-access/in-memory-order-repository.js';
import { createOrder } from '../src/domain/create-order.js';
import { aNewOrder } from './support/order-factories.js';
import { testDeps } from './support/use-case-deps.js';

/** An in-memory store whose first `clashes` inserts fail as if the order number were taken. */
function repositoryWithClashes(clashes: number): OrderRepository & { triedNumbers: string[] } {
  const inner = createInMemoryOrderRepository();
  const triedNumbers: string[] = [];
  return {
    ...inner,
    triedNumbers,
    async insert(order, created) {
      triedNumbers.push(order.orderNumber);
      if (triedNumbers.length <= clashes) throw new DuplicateOrderNumberError(order.orderNumber);
      return inner.insert(order, created);
    },
  };
}

describe('create order', () => {
  it('when a valid order is placed, then it is stored pending at version 1 with its order.created event', async () => {
    const deps = testDeps({ now: new Date('2026-11-26T09:30:00.000Z') });
    const input = aNewOrder();

    const order = await createOrder(deps, input);

    expect(orderSnapshotSchema.parse(order)).toEqual(order);
    expect(order).toMatchObject({ ...input, status: 'pending', version: 1, trackingNumber: null });
    expect(order.orderNumber).toMatch(/^OP-[0-9A-Z]{8}$/);
    expect(order.history).toEqual([{ status: 'pending', at: '2026-11-26T09:30:00.000Z' }]);
    expect(order.createdAt).toBe('2026-11-26T09:30:00.000Z');
    const stored = await deps.repository.findById(order.id);
    expect(stored?.order).toEqual(order);
    expect(stored?.pendingEvents).toHaveLength(1);
    const event = orderCreatedEventSchema.parse(stored?.pendingEvents[0]);
    expect(event).toMatchObject({ type: 'order.created', orderId: order.id, version: 1, occurredAt: order.createdAt, data: order });
  });

  it('when an order is stored, then the outbox relay is nudged for it', async () => {
    const deps = testDeps();
    const order = await createOrder(deps, aNewOrder());
    expect(deps.kicked).toEqual([order.id]);
  });

  it('when two orders are placed, then they get different ids and order numbers', async () => {
    const deps = testDeps();
    const [a, b] = await Promise.all([createOrder(deps, aNewOrder()), createOrder(deps, aNewOrder())]);
    expect(a.id).not.toBe(b.id);
    expect(a.orderNumber).not.toBe(b.orderNumber);
  });

  it('when the generated order number is taken, then another one is tried', async () => {
    const repository = repositoryWithClashes(2);
    const deps = testDeps({ repository });
    const order = await createOrder(deps, aNewOrder());
    expect(repository.triedNumbers).toHaveLength(3);
    expect(new Set(repository.triedNumbers).size).toBe(3);
    expect(order.orderNumber).toBe(repository.triedNumbers[2]);
    expect(await repository.findByOrderNumber(order.orderNumber)).toEqual(order);
  });

  it('when order numbers keep clashing, then it gives up without storing or nudging anything', async () => {
    const repository = repositoryWithClashes(Number.POSITIVE_INFINITY);
    const deps = testDeps({ repository });
    await expect(createOrder(deps, aNewOrder())).rejects.toBeInstanceOf(DuplicateOrderNumberError);
    expect(repository.triedNumbers).toHaveLength(5);
    expect((await repository.list({ limit: 10 })).items).toEqual([]);
    expect(deps.kicked).toEqual([]);
  });
});
