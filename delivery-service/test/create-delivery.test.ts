import { describe, expect, it } from '@jest/globals';
import { deliveryCreatedEventSchema } from '@orderpulse/contracts';
import { UnprocessableMessageError } from '@orderpulse/service-kit';
import { createDeliveryForOrder } from '../src/domain/create-delivery.js';
import { OrderNotKnownError } from '../src/domain/delivery-errors.js';
import { createOrderEventHandler } from '../src/messaging/handle-order-event.js';
import { anOrder, orderCreated, orderStatusChanged } from './support/factories.js';
import { testDeps, type TestDeps } from './support/use-case-deps.js';

const NOW = new Date('2026-11-26T12:00:00.000Z');

async function knownOrder(deps: TestDeps) {
  const order = anOrder();
  await deps.store.orders.remember({ orderId: order.id, orderNumber: order.orderNumber, address: order.deliveryAddress });
  return order;
}

describe('create a delivery when an order ships', () => {
  it('when a known order ships, then a delivery awaiting assignment is stored at version 1 with its delivery.created event', async () => {
    const deps = testDeps({ now: NOW });
    const order = await knownOrder(deps);

    const { delivery, created } = await createDeliveryForOrder(deps, { orderId: order.id, orderNumber: order.orderNumber });

    expect(created).toBe(true);
    expect(delivery).toMatchObject({
      orderId: order.id,
      orderNumber: order.orderNumber,
      status: 'awaiting_assignment',
      rider: null,
      address: order.deliveryAddress,
      history: [{ status: 'awaiting_assignment', at: NOW.toISOString() }],
      lastPosition: null,
      eta: null,
      failureReason: null,
      version: 1,
    });
    const stored = await deps.store.deliveries.findById(delivery.id);
    expect(stored?.delivery).toEqual(delivery);
    const event = deliveryCreatedEventSchema.parse(stored?.pendingEvents[0]);
    expect(event).toMatchObject({ orderId: order.id, version: 1, occurredAt: NOW.toISOString(), data: delivery });
    expect(deps.kicked).toEqual([delivery.id]);
  });

  it('when the same order ships again (a redelivered event), then the existing delivery is returned and nothing is written', async () => {
    const deps = testDeps();
    const order = await knownOrder(deps);
    const first = await createDeliveryForOrder(deps, { orderId: order.id, orderNumber: order.orderNumber });

    const again = await createDeliveryForOrder(deps, { orderId: order.id, orderNumber: order.orderNumber });

    expect(again).toEqual({ delivery: first.delivery, created: false });
    expect(await deps.store.deliveries.list({ orderId: order.id, limit: 10 })).toHaveLength(1);
    expect(await deps.store.deliveries.countPendingEvents()).toBe(1);
    expect(deps.kicked).toEqual([first.delivery.id]);
  });

  it('when two creations for one order race, then one delivery and one event exist and both callers get it', async () => {
    const deps = testDeps();
    const order = await knownOrder(deps);
    const results = await Promise.all([1, 2, 3].map(() => createDeliveryForOrder(deps, { orderId: order.id, orderNumber: order.orderNumber })));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.delivery.id)).size).toBe(1);
    expect(await deps.store.deliveries.countPendingEvents()).toBe(1);
  });

  it('when the order was never seen, then it fails with OrderNotKnownError and stores nothing', async () => {
    const deps = testDeps();
    const order = anOrder();
    await expect(createDeliveryForOrder(deps, { orderId: order.id, orderNumber: order.orderNumber })).rejects.toBeInstanceOf(OrderNotKnownError);
    expect(await deps.store.deliveries.list({ limit: 10 })).toEqual([]);
  });
});

describe('order event handler', () => {
  it('when order.created then order.status_changed → shipped arrive, then the delivery has the order address and number', async () => {
    const deps = testDeps();
    const handle = createOrderEventHandler(deps, { unknownOrderAttempts: 3 });
    const order = anOrder();
    await handle(orderCreated(order));
    await handle(orderStatusChanged(order, 'confirmed', 2));
    expect(await deps.store.deliveries.list({ limit: 10 })).toEqual([]);

    await handle(orderStatusChanged(order, 'shipped', 4));

    const [delivery] = await deps.store.deliveries.list({ orderId: order.id, limit: 10 });
    expect(delivery).toMatchObject({ orderNumber: order.orderNumber, address: order.deliveryAddress, status: 'awaiting_assignment' });
  });

  it('when a shipped order stays unknown, then it is retried (rethrown) until the last attempt, which is unprocessable', async () => {
    const deps = testDeps();
    const handle = createOrderEventHandler(deps, { unknownOrderAttempts: 3 });
    const shipped = orderStatusChanged(anOrder());

    await expect(handle(shipped)).rejects.toBeInstanceOf(OrderNotKnownError);
    await expect(handle(shipped)).rejects.toBeInstanceOf(OrderNotKnownError);
    const last = await handle(shipped).catch((e: unknown) => e);

    expect(last).toBeInstanceOf(UnprocessableMessageError);
    expect((last as Error).message).toContain(`order ${shipped.orderId} is unknown`);
    expect(await deps.store.deliveries.list({ limit: 10 })).toEqual([]);
  });

  it('when order.created arrives between retries, then the retried shipped event creates the delivery', async () => {
    const deps = testDeps();
    const handle = createOrderEventHandler(deps, { unknownOrderAttempts: 3 });
    const order = anOrder();
    const shipped = orderStatusChanged(order);
    await expect(handle(shipped)).rejects.toBeInstanceOf(OrderNotKnownError);
    await handle(orderCreated(order));
    await handle(shipped);
    expect(await deps.store.deliveries.list({ orderId: order.id, limit: 10 })).toHaveLength(1);
  });
});
