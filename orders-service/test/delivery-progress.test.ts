import { describe, expect, it } from '@jest/globals';
import type { OrderStatus } from '@orderpulse/contracts';
import type { Logger } from '@orderpulse/service-kit';
import { applyDeliveryProgress } from '../src/messaging/delivery-progress.js';
import { deliveryStatusChanged } from './support/delivery-events.js';
import { anOrder, at, createdEventOf } from './support/order-factories.js';
import { testDeps, type TestDeps } from './support/use-case-deps.js';

const NOW = new Date('2026-11-26T12:00:00.000Z');

async function orderIn(deps: TestDeps, status: OrderStatus) {
  const order = anOrder({ status, history: [{ status, at: at(0) }], version: 5 });
  await deps.repository.insert(order, createdEventOf(order));
  return order;
}

/** Replaces the deps' logger with one that records each line as `{ level, ...fields, msg }`. */
function withLogLines(deps: TestDeps): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = [];
  const at = (level: string) => (fields: object, msg?: string) => void lines.push({ level, ...fields, msg });
  deps.logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } as unknown as Logger;
  return lines;
}

describe('delivery progress moves the order along', () => {
  it('when a shipped order is picked up, then it is out for delivery with a note naming the rider', async () => {
    const deps = testDeps({ now: NOW });
    const order = await orderIn(deps, 'shipped');

    expect(await applyDeliveryProgress(deps, deliveryStatusChanged(order, 'picked_up', 3))).toBe('applied');

    const stored = (await deps.repository.findById(order.id))!;
    expect(stored.order).toMatchObject({ status: 'out_for_delivery', version: 6 });
    expect(stored.order.history.at(-1)).toEqual({ status: 'out_for_delivery', at: NOW.toISOString(), note: 'Picked up by Rosa' });
    expect(stored.pendingEvents.at(-1)).toMatchObject({ type: 'order.status_changed', data: { from: 'shipped', to: 'out_for_delivery' } });
    expect(deps.kicked).toEqual([order.id]);
  });

  it('when an order out for delivery is delivered, then it is delivered', async () => {
    const deps = testDeps();
    const order = await orderIn(deps, 'out_for_delivery');
    expect(await applyDeliveryProgress(deps, deliveryStatusChanged(order, 'delivered', 5))).toBe('applied');
    expect((await deps.repository.findById(order.id))?.order).toMatchObject({ status: 'delivered', version: 6 });
  });

  it('when delivered overtakes picked_up, then the order takes both steps, and the late picked_up changes nothing', async () => {
    const deps = testDeps();
    const order = await orderIn(deps, 'shipped');

    expect(await applyDeliveryProgress(deps, deliveryStatusChanged(order, 'delivered', 5))).toBe('applied');
    expect(await applyDeliveryProgress(deps, deliveryStatusChanged(order, 'picked_up', 3))).toBe('already-applied');

    const stored = (await deps.repository.findById(order.id))!;
    expect(stored.order.history.map((h) => h.status)).toEqual(['shipped', 'out_for_delivery', 'delivered']);
    expect(stored.order.version).toBe(7);
  });

  it('when the same event arrives twice, then the second changes nothing', async () => {
    const deps = testDeps();
    const order = await orderIn(deps, 'shipped');
    const event = deliveryStatusChanged(order, 'picked_up', 3);
    await applyDeliveryProgress(deps, event);
    const before = await deps.repository.findById(order.id);

    expect(await applyDeliveryProgress(deps, event)).toBe('already-applied');

    expect(await deps.repository.findById(order.id)).toEqual(before);
  });

  it.each(['awaiting_assignment', 'assigned', 'in_transit', 'failed'] as const)(
    'when the delivery becomes %s, then the order is left alone',
    async (status) => {
      const deps = testDeps();
      const order = await orderIn(deps, 'shipped');
      const before = await deps.repository.findById(order.id);
      expect(await applyDeliveryProgress(deps, deliveryStatusChanged(order, status, 3))).toBe('not-relevant');
      expect(await deps.repository.findById(order.id)).toEqual(before);
    },
  );

  it.each(['pending', 'processing', 'cancelled'] as const)(
    'when the order is %s, then the event is refused and logged, and nothing changes',
    async (status) => {
      const deps = testDeps();
      const lines = withLogLines(deps);
      const order = await orderIn(deps, status);
      const before = await deps.repository.findById(order.id);
      const event = deliveryStatusChanged(order, 'delivered', 5);

      expect(await applyDeliveryProgress(deps, event)).toBe('refused');

      expect(await deps.repository.findById(order.id)).toEqual(before);
      expect(lines.find((l) => l.msg === 'delivery event refused')).toMatchObject({
        level: 'warn',
        orderId: order.id,
        deliveryId: event.data.id,
        eventId: event.id,
        reason: `order is ${status}, not on its way`,
      });
    },
  );

  it('when the order is unknown, then the event is refused and logged', async () => {
    const deps = testDeps();
    const lines = withLogLines(deps);
    const event = deliveryStatusChanged(anOrder(), 'picked_up', 3);
    expect(await applyDeliveryProgress(deps, event)).toBe('refused');
    expect(lines.find((l) => l.msg === 'delivery event refused')).toMatchObject({ orderId: event.orderId, reason: 'unknown order' });
  });

  it('when an admin moves the order at the same moment, then the delivery event settles on top of it without an error', async () => {
    const deps = testDeps();
    const order = await orderIn(deps, 'shipped');
    const inner = deps.repository;
    let raced = false;
    deps.repository = {
      ...inner,
      async update(next, expected, event) {
        if (!raced) {
          raced = true;
          const current = (await inner.findById(order.id))!.order;
          const admin = {
            ...current,
            status: 'out_for_delivery' as const,
            history: [...current.history, { status: 'out_for_delivery' as const, at: at(9) }],
            version: current.version + 1,
          };
          await inner.update(admin, current.version, { ...event, id: 'e0b2c7a8-8d61-4c52-9bb4-0a0c9a5f5a11', version: admin.version });
        }
        return inner.update(next, expected, event);
      },
    };

    expect(await applyDeliveryProgress(deps, deliveryStatusChanged(order, 'delivered', 5))).toBe('applied');

    expect((await inner.findById(order.id))?.order.history.map((h) => h.status)).toEqual(['shipped', 'out_for_delivery', 'delivered']);
  });
});
