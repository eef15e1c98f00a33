import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import type { OrderEvent } from '@orderpulse/contracts';
import { topics } from '@orderpulse/contracts';
import { deleteAmqpNamespace, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { startNotifier, type RunningNotifier } from '../src/service.js';
import { startAedes, type InProcessBroker } from './helpers/aedes-broker.js';
import { AmqpEvents } from './helpers/amqp-events.js';
import { captureLogger } from './helpers/capture-logger.js';
import { anOrderHistory, aStatusChangedEvent } from './helpers/events.js';
import { MqttRecorder } from './helpers/mqtt-recorder.js';
import { testNotifierSettings } from './helpers/notifier-settings.js';

const amqpUrl = process.env.AMQP_URL as string;

/** Real RabbitMQ, a real in-process Aedes broker and the real notifier, talking over sockets. */
describe('notifier: RabbitMQ order events become MQTT messages', () => {
  const namespace = testNamespace('notifier');
  let broker: InProcessBroker;
  let notifier: RunningNotifier;
  let amqp: AmqpEvents;
  let watcher: MqttRecorder;

  const acks = new Map<string, number>();
  const ackCount = (event: OrderEvent) => acks.get(event.id) ?? 0;
  const publishAndAwaitAck = async (event: OrderEvent) => {
    const before = ackCount(event);
    await amqp.publish(event);
    await waitFor(() => ackCount(event) > before, `the ack of ${event.type} v${event.version}`);
  };
  const statusVersions = (orderId: string) => watcher.on(topics.orderStatus(orderId)).map((m) => m.payload.version);

  beforeAll(async () => {
    broker = await startAedes();
    notifier = await startNotifier(testNotifierSettings({ AMQP_NAMESPACE: namespace, MQTT_URL: broker.url, PREFETCH: 16 }), captureLogger('warn').logger);
    notifier.consumer.on('acked', (event) => acks.set(event.id, (acks.get(event.id) ?? 0) + 1));
    amqp = await AmqpEvents.connect(amqpUrl, namespace);
    watcher = await MqttRecorder.subscribe(broker.url, ['orders/+/status', topics.adminOrders()]);
  }, 20_000);

  afterAll(async () => {
    await watcher?.close();
    await amqp?.close();
    await notifier?.close();
    await broker?.close();
    await deleteAmqpNamespace(amqpUrl, namespace, ['notifier']);
  }, 20_000);

  it("when two orders change quickly, then each order's statuses arrive in order with increasing versions, and a late subscriber gets the latest retained", async () => {
    const a = anOrderHistory(6, 'OP-AAAAAA');
    const b = anOrderHistory(6, 'OP-BBBBBB');
    const all = a.flatMap((event, i) => [event, b[i]!]);
    for (const event of all) await amqp.publish(event);
    await waitFor(() => all.every((event) => ackCount(event) === 1), 'every event acked');

    const orderA = a[0].orderId;
    const orderB = b[0].orderId;
    await waitFor(() => statusVersions(orderA).length === 6 && statusVersions(orderB).length === 6, 'six statuses per order');
    expect(statusVersions(orderA)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(statusVersions(orderB)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(watcher.on(topics.orderStatus(orderA)).map((m) => m.payload.status)).toEqual([
      'pending',
      'confirmed',
      'processing',
      'shipped',
      'out_for_delivery',
      'delivered',
    ]);
    const feed = watcher.on(topics.adminOrders()).filter((m) => m.payload.orderId === orderA);
    expect(feed.map((m) => [m.payload.type, m.payload.version])).toEqual([['order.created', 1], ...[2, 3, 4, 5, 6].map((v) => ['order.status_changed', v])]);

    const late = await MqttRecorder.subscribe(broker.url, [topics.orderStatus(orderA)]);
    try {
      const [retained] = await waitFor(() => late.messages.length > 0 && late.messages, 'the retained status');
      expect(retained).toMatchObject({ retain: true, payload: { orderId: orderA, orderNumber: 'OP-AAAAAA', status: 'delivered', version: 6 } });
    } finally {
      await late.close();
    }
  }, 20_000);

  it('when an event comes again, or an older version arrives, then it is acked without being republished', async () => {
    const [created, confirmed] = anOrderHistory(2);
    const orderId = created.orderId;
    await publishAndAwaitAck(created);
    await publishAndAwaitAck(confirmed!);

    await publishAndAwaitAck(confirmed!); // same id: a redelivery or an outbox republish
    await publishAndAwaitAck({ ...created, id: '0b7f4c1e-8a9d-4e2f-b3c4-d5e6f7a8b9c0' }); // new id, stale version
    const processing = aStatusChangedEvent({ orderId, version: 3, from: 'confirmed', to: 'processing' });
    await publishAndAwaitAck(processing);

    await waitFor(() => statusVersions(orderId).includes(3), 'version 3 on the status topic');
    expect(statusVersions(orderId)).toEqual([1, 2, 3]);
    await waitFor(() => watcher.on(topics.adminOrders()).some((m) => m.payload.eventId === processing.id), 'version 3 on the admin feed');
    expect(
      watcher
        .on(topics.adminOrders())
        .filter((m) => m.payload.orderId === orderId)
        .map((m) => m.payload.version),
    ).toEqual([1, 2, 3]);
    const metrics = await notifier.registry.getSingleMetricAsString('notifier_events_deduped_total');
    expect(metrics).toMatch(/reason="duplicate"[^}]*\} 1$/m);
    expect(metrics).toMatch(/reason="stale"[^}]*\} 1$/m);
  }, 20_000);

  it('when a message is not JSON or fails the schema, then it lands in the dead-letter queue and the next good event is still delivered', async () => {
    const before = await amqp.messagesIn('notifier.dlq');
    const deadLettered: string[] = [];
    notifier.consumer.on('dead-lettered', (reason) => deadLettered.push(reason));
    await amqp.publishRaw('order.status_changed', '{"type": "order.status_changed", oops');
    await amqp.publishRaw('order.status_changed', JSON.stringify({ type: 'order.status_changed', orderId: 'not-a-uuid', version: 0 }));
    await waitFor(() => deadLettered.length === 2, 'two dead-lettered messages');
    expect(deadLettered[0]).toMatch(/^not JSON/);
    expect(deadLettered[1]).toMatch(/^failed validation: .*orderId/);
    await waitFor(async () => (await amqp.messagesIn('notifier.dlq')) === before + 2, 'both messages in the dead-letter queue');

    const [next] = anOrderHistory(1);
    await publishAndAwaitAck(next);
    await waitFor(() => statusVersions(next.orderId).length === 1, 'the next good event on MQTT');
    expect(watcher.on(topics.orderStatus(next.orderId))[0]?.payload).toMatchObject({ status: 'pending', version: 1 });
  }, 20_000);

  it('when everything is connected, then /readyz is 200 and /metrics shows consumed, published and PUBACK latency', async () => {
    const ready = await fetch(`${notifier.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { amqp: true, mqtt: true } });
    const text = await (await fetch(notifier.metricsUrl)).text();
    expect(text).toMatch(/^amqp_events_consumed_total\{queue="notifier",outcome="acked"[^}]*\} \d+$/m);
    expect(text).toMatch(/^amqp_events_consumed_total\{queue="notifier",outcome="dead_lettered"[^}]*\} 2$/m);
    expect(text).toMatch(/^notifier_mqtt_messages_published_total\{kind="order-status"[^}]*\} 16$/m);
    expect(text).toMatch(/^notifier_mqtt_puback_seconds_count\{[^}]*\} 32$/m);
  });
});
