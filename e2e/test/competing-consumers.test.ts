import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import * as amqplib from 'amqplib';
import { EXCHANGES, topics, type OrderEvent, type OrderSnapshot, type OrderStatus } from '@orderpulse/contracts';
import { namespaced } from '@orderpulse/service-kit';
import {
  deleteAmqpNamespace,
  deleteRedisNamespace,
  postgresTarget,
  redisTarget,
  testNamespace,
  uniqueRedisNamespace,
  waitFor,
} from '@orderpulse/service-kit/testing';
import { MqttRecorder, OrdersClient, TestTokens, startSystem, type ReceivedMessage, type RunningSystem } from '../src/harness/index.js';
import { dropPostgresSchema } from '../src/harness/postgres-schema.js';

/**
 * Scale-out on RabbitMQ as competing consumers, all real processes: two orders-service instances
 * sharing one PostgreSQL (each with its own outbox relay, both consuming delivery events) and two
 * notifiers sharing a Redis ledger consume the same queues. 1,000 status changes are spread over
 * both orders-service instances; every customer must end on the order's final version and never
 * see a version go backwards, the broker's retained state must be the final one, and the two
 * outboxes together must send each event exactly once. Then late
 * copies of older events arrive (what an outbox relay that stalled between publishing and
 * deleting sends): a notifier that only remembered what it published itself would republish
 * them over the newer state; the shared ledger drops them.
 */
const amqpUrl = process.env.AMQP_URL as string;
const redis = redisTarget();
const postgres = postgresTarget();
const skipReason = 'skipReason' in redis ? redis.skipReason : 'skipReason' in postgres ? postgres.skipReason : undefined;
if (skipReason) process.stdout.write(`\n[competing-consumers] skipped: ${skipReason}\n`);
const describeScaledOut = skipReason ? describe.skip : describe;

const ORDERS = 200;
const LIFECYCLE: OrderStatus[] = ['confirmed', 'processing', 'shipped', 'out_for_delivery', 'delivered'];
const FINAL_VERSION = 1 + LIFECYCLE.length;
/** Orders whose next change is in flight at once (each order's changes stay sequential). */
const CONCURRENCY = 40;

async function metric(metricsUrl: string, name: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(name))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describeScaledOut('two orders-services and two notifiers as competing consumers', () => {
  const namespace = testNamespace('scale');
  const redisNamespace = uniqueRedisNamespace('scale');
  const schema = `op_scale_${Date.now().toString(36)}_${process.pid}`;
  const redisUrl = 'url' in redis ? redis.url : '';
  const postgresUrl = 'url' in postgres ? postgres.url : '';
  let system: RunningSystem;
  let ordersUrls: string[];
  let ordersMetrics: string[];
  let notifierMetrics: string[];
  let tokens: TestTokens;
  const customers = new Map<string, MqttRecorder>();
  const orders: OrderSnapshot[] = [];
  let patches = 0;
  let conflicts = 0;
  let tap: amqplib.ChannelModel;
  /** Every order event the system emitted, read from a queue of the test's own. */
  const emitted: OrderEvent[] = [];

  beforeAll(async () => {
    system = await startSystem({
      amqpUrl,
      namespace,
      ports: 'free',
      services: ['broker', 'orders', 'notifier'],
      logLevel: 'warn',
      env: {
        orders: { POSTGRES_URL: postgresUrl, POSTGRES_SCHEMA: schema },
        notifier: { REDIS_URL: redisUrl, REDIS_NAMESPACE: redisNamespace },
      },
    });
    const secondOrders = await system.addInstance('orders', 'orders-2');
    const secondNotifier = await system.addInstance('notifier', 'notifier-2');
    ordersUrls = [system.urls.orders, secondOrders.url];
    ordersMetrics = [system.urls.metrics.orders, secondOrders.metricsUrl];
    notifierMetrics = [system.urls.metrics.notifier, secondNotifier.metricsUrl];
    tokens = new TestTokens(system.jwtSecret);
    tap = await amqplib.connect(amqpUrl);
    const tapChannel = await tap.createChannel();
    const { queue } = await tapChannel.assertQueue('', { exclusive: true, autoDelete: true });
    await tapChannel.bindQueue(queue, namespaced(namespace, EXCHANGES.orders), 'order.*');
    await tapChannel.consume(queue, (message) => message && emitted.push(JSON.parse(message.content.toString('utf8')) as OrderEvent), { noAck: true });
    const adminToken = await tokens.admin();
    const clients = ordersUrls.map((url) => new OrdersClient(url, adminToken));
    for (let i = 0; i < ORDERS; i += 1) {
      const created = await clients[i % 2]!.createOrder();
      expect(created.status).toBe(201);
      orders.push(created.body);
    }
    await Promise.all(
      orders.map(async (order) => {
        customers.set(
          order.id,
          await MqttRecorder.connect(system.urls.mqtt, [topics.orderStatus(order.id)], {
            clientId: `customer-${order.id.slice(0, 8)}-${namespace}`.slice(0, 64),
            username: 'customer',
            password: await tokens.customer(order.id),
          }),
        );
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.all([...customers.values()].map((c) => c.close()));
    await tap?.close();
    await system?.stop();
    await deleteAmqpNamespace(amqpUrl, namespace, ['notifier', 'orders-service.delivery']);
    if (redisUrl) await deleteRedisNamespace(redisUrl, redisNamespace);
    if (postgresUrl) await dropPostgresSchema(postgresUrl, schema);
  }, 60_000);

  it('when 1,000 changes go through both orders-services, then every customer ends on the final version and none goes backwards', async () => {
    const adminToken = await tokens.admin();
    const clients = ordersUrls.map((url) => new OrdersClient(url, adminToken));
    const started = Date.now();
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < orders.length; i = next++) {
        const order = orders[i]!;
        for (const [step, status] of LIFECYCLE.entries()) {
          // Alternate instances per change, so one order's events leave through both outboxes.
          const res = await clients[(i + step) % 2]!.changeStatus(order.id, status === 'shipped' ? { status, trackingNumber: `TRK-${i}` } : { status });
          patches += 1;
          if (res.status === 409) conflicts += 1;
          expect(res.status).toBe(200);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(patches).toBe(ORDERS * LIFECYCLE.length);
    const patchedMs = Date.now() - started;

    await waitFor(
      () => [...customers.values()].every((c) => c.messages.some((m) => m.payload.version === FINAL_VERSION)),
      `every customer to receive version ${FINAL_VERSION}`,
      60_000,
      50,
    );
    const deliveredMs = Date.now() - started;

    let received = 0;
    let duplicates = 0;
    for (const order of orders) {
      const versions = customers.get(order.id)!.messages.map((m: ReceivedMessage) => m.payload.version as number);
      received += versions.length;
      for (let k = 1; k < versions.length; k += 1) {
        expect(versions[k]).toBeGreaterThanOrEqual(versions[k - 1]!); // never backwards
        if (versions[k] === versions[k - 1]) duplicates += 1;
      }
      const last = customers.get(order.id)!.messages.at(-1)!;
      expect(last.payload).toMatchObject({ orderId: order.id, status: 'delivered', version: FINAL_VERSION });
    }

    const published = await Promise.all(notifierMetrics.map((url) => metric(url, 'notifier_mqtt_messages_published_total{kind="order-status"')));
    const stale = await Promise.all(notifierMetrics.map((url) => metric(url, 'notifier_events_deduped_total')));
    const relayed = await Promise.all(ordersMetrics.map((url) => metric(url, 'outbox_events_published_total')));
    process.stdout.write(
      `\n[competing-consumers] ${patches} PATCHes over 2 orders-services in ${patchedMs} ms (409s: ${conflicts}); all ${ORDERS} customers on v${FINAL_VERSION} after ${deliveredMs} ms;` +
        ` ${received} status messages received, ${duplicates} repeated versions, 0 backwards;` +
        ` order-status messages published per notifier: ${published.join(' + ')}; events dropped as duplicate/stale per notifier: ${stale.join(' + ')};` +
        ` events relayed per orders-service outbox: ${relayed.join(' + ')}\n`,
    );
    // Both notifiers and both outboxes did real work: they competed, not one idled. (A version
    // may be missing from the count: one that reached the queue after a newer one is dropped.)
    expect(published.every((count) => count > 0)).toBe(true);
    expect(relayed.every((count) => count > 0)).toBe(true);
    // The two outboxes share one table and take turns per order (an advisory lock in PostgreSQL):
    // every event left exactly once, its creation included.
    expect(relayed.reduce((sum, count) => sum + count, 0)).toBe(ORDERS * (LIFECYCLE.length + 1));
  }, 180_000);

  it('when late copies of older events arrive at both notifiers, then they are dropped and nobody goes back', async () => {
    const droppedBefore = await Promise.all(notifierMetrics.map((url) => metric(url, 'notifier_events_deduped_total')));
    const late = orders.map((order) => emitted.find((e) => e.orderId === order.id && e.version === FINAL_VERSION - 1));
    expect(late.every(Boolean)).toBe(true);
    const channel = await tap.createConfirmChannel();
    for (const event of late) {
      for (let copy = 0; copy < 2; copy += 1) {
        channel.publish(namespaced(namespace, EXCHANGES.orders), event!.type, Buffer.from(JSON.stringify(event)), { persistent: true, contentType: 'application/json', messageId: event!.id });
      }
    }
    await channel.waitForConfirms();
    await waitFor(
      async () => {
        const dropped = await Promise.all(notifierMetrics.map((url) => metric(url, 'notifier_events_deduped_total')));
        return dropped[0]! + dropped[1]! - droppedBefore[0]! - droppedBefore[1]! >= 2 * ORDERS;
      },
      `both notifiers to drop the ${2 * ORDERS} late copies`,
      30_000,
      100,
    );
    for (const order of orders) {
      const last = customers.get(order.id)!.messages.at(-1)!;
      expect(last.payload).toMatchObject({ status: 'delivered', version: FINAL_VERSION });
    }
  }, 60_000);

  it('then a customer who subscribes afterwards gets the final state retained, for every order', async () => {
    const late = await MqttRecorder.connect(system.urls.mqtt, ['orders/+/status'], { clientId: `admin-late-${namespace}`.slice(0, 64), username: 'admin', password: await tokens.admin() });
    try {
      await late.waitFor((ms) => new Set(ms.map((m) => m.topic)).size >= ORDERS, `${ORDERS} retained status messages`, 30_000);
      for (const order of orders) {
        const retained = late.on(topics.orderStatus(order.id));
        expect(retained).toHaveLength(1);
        expect(retained[0]).toMatchObject({ retained: true, payload: { status: 'delivered', version: FINAL_VERSION } });
      }
    } finally {
      await late.close();
    }
  }, 60_000);
});
