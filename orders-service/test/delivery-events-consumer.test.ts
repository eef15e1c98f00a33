import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as amqplib from 'amqplib';
import { statusChangedKey, type DeliveryEvent, type DeliveryStatusChangedEvent, type OrderSnapshot } from '@orderpulse/contracts';
import { namespaced } from '@orderpulse/service-kit';
import { deleteAmqpNamespace, nextEvent, rawPublishOptions, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { DELIVERY_EVENTS_QUEUE } from '../src/messaging/delivery-events-consumer.js';
import type { RunningOrdersService } from '../src/service.js';
import { deliveryStatusChanged } from './support/delivery-events.js';
import { httpClient } from './support/http-client.js';
import { aNewOrder } from './support/order-factories.js';
import { bindOrdersExchangeProbe, type OrdersExchangeProbe } from './support/orders-exchange-probe.js';
import { amqpUrl, startServiceUnderTest, adminToken } from './support/service-under-test.js';

describe('delivery events from RabbitMQ (queue orders-service.delivery)', () => {
  const namespace = testNamespace('orders-delivery');
  let service: RunningOrdersService;
  let api: ReturnType<typeof httpClient>;
  let probe: OrdersExchangeProbe;
  let connection: amqplib.ChannelModel;
  let channel: amqplib.ConfirmChannel;

  beforeAll(async () => {
    probe = await bindOrdersExchangeProbe(amqpUrl(), namespace);
    service = await startServiceUnderTest(namespace, { consumerRetryDelayMs: 20 });
    api = httpClient(service.url, await adminToken());
    connection = await amqplib.connect(amqpUrl());
    channel = await connection.createConfirmChannel();
  });
  afterAll(async () => {
    await connection?.close();
    await probe?.close();
    await service?.close();
    await deleteAmqpNamespace(amqpUrl(), namespace, [DELIVERY_EVENTS_QUEUE]);
  });

  /** As delivery-service publishes an event (a status change also under its status-qualified key); a bad message under `routingKey`. */
  async function publish(message: DeliveryEvent | string, routingKey = 'delivery.status_changed'): Promise<void> {
    const body = Buffer.from(typeof message === 'string' ? message : JSON.stringify(message));
    channel.publish(namespaced(namespace, 'delivery'), routingKey, body, rawPublishOptions(message));
    await channel.waitForConfirms();
  }
  async function deliver(event: DeliveryStatusChangedEvent): Promise<void> {
    const acked = nextEvent<[DeliveryStatusChangedEvent]>(service.deliveryConsumer, 'acked', 10_000, (e) => e.id === event.id);
    await publish(event);
    await acked;
  }
  async function shippedOrder(): Promise<OrderSnapshot> {
    const order = (await api.post('/orders', aNewOrder())).body as OrderSnapshot;
    for (const status of ['confirmed', 'processing', 'shipped']) expect((await api.patch(`/orders/${order.id}/status`, { status })).status).toBe(200);
    return (await api.get(`/orders/${order.id}`)).body as OrderSnapshot;
  }
  const statusOf = async (orderId: string) => (await api.get(`/orders/${orderId}`)).body.status as string;

  it('when the delivery is picked up and then delivered, then the order follows and its order.status_changed events go out', async () => {
    const order = await shippedOrder();
    await deliver(deliveryStatusChanged(order, 'picked_up', 3));
    expect(await statusOf(order.id)).toBe('out_for_delivery');
    await deliver(deliveryStatusChanged(order, 'delivered', 5));
    expect(await statusOf(order.id)).toBe('delivered');

    const last = await probe.waitForEvent('order.status_changed → delivered', (e) => e.orderId === order.id && e.version === 6);
    expect(last.event.data).toMatchObject({ from: 'out_for_delivery', to: 'delivered' });
  });

  it('when a delivery status does not move orders (assigned, in_transit), then it never reaches this queue: only picked_up and delivered are bound', async () => {
    const order = await shippedOrder();
    const seen: string[] = [];
    const record = (e: DeliveryStatusChangedEvent) => void seen.push(e.data.status);
    service.deliveryConsumer.on('acked', record);
    try {
      await publish(deliveryStatusChanged(order, 'assigned', 2));
      await publish(deliveryStatusChanged(order, 'in_transit', 4));
      // Published after the other two on the same confirmed channel: once it is acked, they would have been too.
      await deliver(deliveryStatusChanged(order, 'picked_up', 3));
    } finally {
      service.deliveryConsumer.off('acked', record);
    }
    expect(seen).toEqual(['picked_up']);
    expect(await statusOf(order.id)).toBe('out_for_delivery');
  });

  it('when a delivery event is redelivered or arrives late, then it is acked and the order is unchanged', async () => {
    const order = await shippedOrder();
    const pickedUp = deliveryStatusChanged(order, 'picked_up', 3);
    await deliver(deliveryStatusChanged(order, 'delivered', 5));
    await deliver(pickedUp);
    await deliver(pickedUp);

    const stored = (await service.repository.findById(order.id))!.order;
    expect(stored.history.map((h) => h.status)).toEqual(['pending', 'confirmed', 'processing', 'shipped', 'out_for_delivery', 'delivered']);
  });

  it('when the event does not apply to its order (cancelled), then it is acked, not requeued, and nothing changes', async () => {
    const order = (await api.post('/orders', aNewOrder())).body as OrderSnapshot;
    expect((await api.patch(`/orders/${order.id}/status`, { status: 'cancelled' })).status).toBe(200);
    let requeues = 0;
    const count = () => void (requeues += 1);
    service.deliveryConsumer.on('requeued', count);
    await deliver(deliveryStatusChanged(order, 'delivered', 5));
    service.deliveryConsumer.off('requeued', count);
    expect(requeues).toBe(0);
    expect(await statusOf(order.id)).toBe('cancelled');
  });

  it('when a message is not a valid delivery event, then it is dead-lettered and the next good one applies', async () => {
    const deadLettered = nextEvent<[string, string]>(service.deliveryConsumer, 'dead-lettered', 10_000);
    await publish('{"type": "delivery.status_changed"', statusChangedKey.delivery('delivered'));
    expect((await deadLettered)[0]).toMatch(/not JSON/);

    const order = await shippedOrder();
    await deliver(deliveryStatusChanged(order, 'picked_up', 3));
    expect(await statusOf(order.id)).toBe('out_for_delivery');
    const dlq = await waitFor(async () => {
      const q = await channel.checkQueue(namespaced(namespace, `${DELIVERY_EVENTS_QUEUE}.dlq`));
      return q.messageCount >= 1 && q.messageCount;
    }, 'the dead-letter queue to hold the bad message');
    expect(dlq).toBe(1);

    const metrics = await (await fetch(service.metricsUrl)).text();
    expect(metrics).toMatch(/^amqp_events_consumed_total\{queue="orders-service.delivery",outcome="dead_lettered"[^}]*\} 1$/m);
    expect(metrics).toMatch(/^amqp_events_consumed_total\{queue="orders-service.delivery",outcome="acked"[^}]*\} [1-9]\d*$/m);
  });
});
