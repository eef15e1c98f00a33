import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { OrderEvent, OrderSnapshot } from '@orderpulse/contracts';
import { deleteAmqpNamespace, nextEvent, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { createInMemoryOrderRepository } from '../src/data-access/in-memory-order-repository.js';
import { DELIVERY_EVENTS_QUEUE } from '../src/messaging/delivery-events-consumer.js';
import type { RunningOrdersService } from '../src/service.js';
import { httpClient } from './support/http-client.js';
import { aNewOrder } from './support/order-factories.js';
import { bindOrdersExchangeProbe, type OrdersExchangeProbe } from './support/orders-exchange-probe.js';
import { amqpUrl, startServiceUnderTest, adminToken } from './support/service-under-test.js';

describe('outbox over RabbitMQ', () => {
  const namespace = testNamespace('orders-outbox');
  let probe: OrdersExchangeProbe;
  const services: RunningOrdersService[] = [];

  beforeAll(async () => {
    probe = await bindOrdersExchangeProbe(amqpUrl(), namespace);
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await probe?.close();
    await deleteAmqpNamespace(amqpUrl(), namespace, [DELIVERY_EVENTS_QUEUE]);
  });

  async function start(...args: Parameters<typeof startServiceUnderTest> extends [string, ...infer R] ? R : never) {
    const service = await startServiceUnderTest(namespace, ...args);
    services.push(service);
    return { service, api: httpClient(service.url, await adminToken()) };
  }

  it('when an order is created and changed, then both events reach a queue bound to the orders exchange, in order', async () => {
    const { service, api } = await start();
    const { trackingToken: _token, ...order } = (await api.post('/orders', aNewOrder())).body as OrderSnapshot & { trackingToken: string };
    expect((await api.patch(`/orders/${order.id}/status`, { status: 'confirmed' })).status).toBe(200);

    const changed = await probe.waitForEvent('order.status_changed', (e) => e.orderId === order.id && e.version === 2);
    const ours = probe.received.filter((r) => r.event.orderId === order.id);
    expect(ours.map((r) => [r.routingKey, r.event.version])).toEqual([
      ['order.created', 1],
      ['order.status_changed', 2],
    ]);
    expect(ours[0]?.event.data).toEqual(order);
    expect(changed.event.data).toMatchObject({ orderNumber: order.orderNumber, from: 'pending', to: 'confirmed' });
    expect(ours.every((r) => r.persistent && r.messageId === r.event.id)).toBe(true);
    await waitFor(async () => (await service.repository.findById(order.id))?.pendingEvents.length === 0, 'the outbox to drain');
  });

  it('when the relay was stopped, then the pending events are published by the next relay that starts', async () => {
    const repository = createInMemoryOrderRepository();
    const first = await start({ repository });
    await first.service.relay.stop();
    const { trackingToken: _token, ...order } = (await first.api.post('/orders', aNewOrder())).body as OrderSnapshot & { trackingToken: string };
    expect((await repository.findById(order.id))?.pendingEvents.map((e) => e.type)).toEqual(['order.created']);
    await first.service.close();

    await start({ repository });

    const received = await probe.waitForEvent('the republished order.created', (e) => e.orderId === order.id);
    expect(received.event).toMatchObject({ type: 'order.created', version: 1, data: order });
    await waitFor(async () => (await repository.findById(order.id))?.pendingEvents.length === 0, 'the outbox to drain');
  });

  it('when publishing fails, then events stay pending, and a new relay publishes them in version order', async () => {
    const repository = createInMemoryOrderRepository();
    const failing = { publish: async (_event: OrderEvent) => Promise.reject(new Error('channel closed')) };
    const first = await start({ repository, publisher: failing });
    const failed = nextEvent<[OrderEvent, Error]>(first.service.relay, 'publish-failed');
    const order = (await first.api.post('/orders', aNewOrder())).body as OrderSnapshot;
    const [failedEvent] = await failed;
    expect(failedEvent).toMatchObject({ orderId: order.id, type: 'order.created' });
    expect((await first.api.patch(`/orders/${order.id}/status`, { status: 'cancelled' })).status).toBe(200);
    expect((await repository.findById(order.id))?.pendingEvents.map((e) => e.version)).toEqual([1, 2]);
    const metrics = await (await fetch(first.service.metricsUrl)).text();
    expect(metrics).toMatch(/^outbox_pending_events\{[^}]*\} 2$/m);
    expect(metrics).toMatch(/^outbox_publish_failures_total\{type="order.created"[^}]*\} [1-9]\d*$/m);
    await first.service.close();

    await start({ repository });

    await probe.waitForEvent('the republished order.status_changed', (e) => e.orderId === order.id && e.version === 2);
    const ours = probe.received.filter((r) => r.event.orderId === order.id).map((r) => r.event.version);
    expect(ours).toEqual([1, 2]);
    await waitFor(async () => (await repository.findById(order.id))?.pendingEvents.length === 0, 'the outbox to drain');
  });
});
