import { afterAll, beforeAll, it, expect } from '@jest/globals';
import * as amqplib from 'amqplib';
import { EXCHANGES, topics, type DeliveryEvent, type OrderEvent, type OrderSnapshot, type OrderStatus } from '@orderpulse/contracts';
import { namespaced } from '@orderpulse/service-kit';
import {
  deleteAmqpNamespace,
  deleteRedisNamespace,
  dropMongoDatabases,
  FERRETDB_CLIENT_POOL_SIZE,
  redisTarget,
  testNamespace,
  uniqueRedisNamespace,
  waitFor,
} from '@orderpulse/service-kit/testing';
import { describeIfAvailable, mongoTestTarget } from '@orderpulse/service-kit/testing/suites';
import { DeliveryClient, MqttRecorder, OrdersClient, TestTokens, startSystem, type ReceivedMessage, type RunningSystem } from '../src/harness/index.js';

/**
 * Scale-out on RabbitMQ as competing consumers, all real processes, as a shop would deploy it:
 * two orders-services sharing one MongoDB database, two delivery-services sharing another (each
 * instance with its own outbox relay, all consuming their queues), and two notifiers sharing a
 * Redis ledger. Every order walks its whole life: three status changes through the orders API,
 * then assignment and three delivery statuses through the delivery API, alternating instances
 * at every step, so each aggregate's events leave through both outboxes. Every customer must end
 * on the final versions and never see one go backwards, the broker's retained state must be
 * final, and each outbox event must be published exactly once and in version order (the
 * per-aggregate leases in MongoDB). Then late copies of older events arrive (what an outbox
 * relay that stalled between publishing and deleting sends): the shared ledger drops them.
 */
const amqpUrl = process.env.AMQP_URL as string;
const redis = redisTarget();
const mongo = mongoTestTarget();
const missing = 'skipReason' in redis ? redis.skipReason : 'missing' in mongo ? mongo.missing : undefined;

const ORDERS = 100;
/** Through the orders API; the delivery statuses then move the order to out_for_delivery and delivered. */
const ORDER_STEPS: OrderStatus[] = ['confirmed', 'processing', 'shipped'];
const DELIVERY_STEPS = ['picked_up', 'in_transit', 'delivered'] as const;
const FINAL_VERSION = 1 + ORDER_STEPS.length + 2;
/** created, assigned, then the delivery steps. */
const FINAL_DELIVERY_VERSION = 2 + DELIVERY_STEPS.length;
/** Orders whose next change is in flight at once (each order's changes stay sequential); more only queue in FerretDB. */
const CONCURRENCY = 20;

async function metric(metricsUrl: string, name: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(name))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describeIfAvailable('two orders-services, two delivery-services and two notifiers as competing consumers on MongoDB', missing, () => {
  const namespace = testNamespace('scale');
  const redisNamespace = uniqueRedisNamespace('scale');
  const databasePrefix = `op-${namespace}`;
  const redisUrl = 'url' in redis ? redis.url : '';
  const mongoUrl = 'url' in mongo ? mongo.url : '';
  let system: RunningSystem;
  let ordersUrls: string[];
  let deliveryUrls: string[];
  let ordersMetrics: string[];
  let deliveryMetrics: string[];
  let notifierMetrics: string[];
  let tokens: TestTokens;
  const customers = new Map<string, MqttRecorder>();
  const orders: OrderSnapshot[] = [];
  let patches = 0;
  let conflicts = 0;
  let tap: amqplib.ChannelModel;
  /** Every order and delivery event the system emitted, in arrival order, read from a queue of the test's own. */
  const emitted: Array<OrderEvent | DeliveryEvent> = [];
  /** A rider per ten orders, as a shop's fleet would share them. */
  const riderIds: string[] = [];

  beforeAll(async () => {
    system = await startSystem({
      amqpUrl,
      namespace,
      ports: 'free',
      services: ['broker', 'orders', 'delivery', 'notifier'],
      logLevel: 'warn',
      mongo: { url: mongoUrl, databasePrefix, maxPoolSize: FERRETDB_CLIENT_POOL_SIZE },
      env: { notifier: { REDIS_URL: redisUrl, REDIS_NAMESPACE: redisNamespace } },
    });
    const secondOrders = await system.addInstance('orders', 'orders-2');
    // Each delivery-service ingests rider reports with its own persistent MQTT session.
    const secondDelivery = await system.addInstance('delivery', 'delivery-2', { MQTT_CLIENT_ID: `delivery-service-2-${namespace}` });
    const secondNotifier = await system.addInstance('notifier', 'notifier-2');
    ordersUrls = [system.urls.orders, secondOrders.url];
    deliveryUrls = [system.urls.delivery, secondDelivery.url];
    ordersMetrics = [system.urls.metrics.orders, secondOrders.metricsUrl];
    deliveryMetrics = [system.urls.metrics.delivery, secondDelivery.metricsUrl];
    notifierMetrics = [system.urls.metrics.notifier, secondNotifier.metricsUrl];
    tokens = new TestTokens(system.jwtSecret);
    tap = await amqplib.connect(amqpUrl);
    const tapChannel = await tap.createChannel();
    const { queue } = await tapChannel.assertQueue('', { exclusive: true, autoDelete: true });
    await tapChannel.bindQueue(queue, namespaced(namespace, EXCHANGES.orders), 'order.*');
    await tapChannel.bindQueue(queue, namespaced(namespace, EXCHANGES.delivery), 'delivery.*');
    await tapChannel.consume(queue, (message) => message && emitted.push(JSON.parse(message.content.toString('utf8')) as OrderEvent | DeliveryEvent), {
      noAck: true,
    });
    const adminToken = await tokens.admin();
    // One rider per order: a rider carrying several deliveries renumbers their stops (issue 18 point 6), a version each, and this test counts versions exactly.
    for (let r = 0; r < ORDERS; r += 1) {
      const rider = await new DeliveryClient(deliveryUrls[r % 2]!, adminToken).createRider({ name: `Rider ${r}` });
      expect(rider.status).toBe(201);
      riderIds.push(rider.body.id);
    }
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
          await MqttRecorder.connect(system.urls.mqtt, [topics.orderStatus(order.id), topics.orderTracking(order.id)], {
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
    await deleteAmqpNamespace(amqpUrl, namespace, ['notifier', 'orders-service.delivery', 'delivery-service.orders']);
    if (redisUrl) await deleteRedisNamespace(redisUrl, redisNamespace);
    if (mongoUrl) await dropMongoDatabases(mongoUrl, [`${databasePrefix}-orders`, `${databasePrefix}-delivery`]);
  }, 60_000);

  it(`when ${ORDERS * (ORDER_STEPS.length + 1 + DELIVERY_STEPS.length)} changes (status changes and assignments) go through both instances of each service, then every customer ends on the final versions, none goes backwards, and each event left once, in order`, async () => {
    const adminToken = await tokens.admin();
    const ordersClients = ordersUrls.map((url) => new OrdersClient(url, adminToken));
    const deliveryClients = deliveryUrls.map((url) => new DeliveryClient(url, adminToken));
    const started = Date.now();
    /** A 503 carries Retry-After: the service could not write in time (store busy); a client tries again. */
    let retriedAfter503 = 0;
    const retried = async <T extends { status: number }>(call: () => Promise<T>): Promise<T> => {
      const giveUpAt = Date.now() + 60_000;
      for (;;) {
        const res = await call();
        if (res.status !== 503 || Date.now() > giveUpAt) return res;
        retriedAfter503 += 1;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    };
    /** The answer's body is in the failure: a 503 says what the store was busy with. */
    const expectOk = (res: { status: number; body: unknown }) => {
      if (res.status !== 200) throw new Error(`expected 200, got ${res.status}: ${JSON.stringify(res.body)}`);
    };
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < orders.length; i = next++) {
        const order = orders[i]!;
        // Alternate instances per change, so one aggregate's events leave through both outboxes.
        for (const [step, status] of ORDER_STEPS.entries()) {
          const res = await retried(() =>
            ordersClients[(i + step) % 2]!.changeStatus(order.id, status === 'shipped' ? { status, trackingNumber: `TRK-${i}` } : { status }),
          );
          patches += 1;
          if (res.status === 409) conflicts += 1;
          expectOk(res);
        }
        const delivery = await waitFor(() => deliveryClients[i % 2]!.deliveryOf(order.id), `the delivery of order ${order.id}`, 120_000, 50);
        expectOk(await retried(() => deliveryClients[(i + 1) % 2]!.assign(delivery.id, riderIds[i % riderIds.length]!)));
        for (const [step, status] of DELIVERY_STEPS.entries()) {
          const res = await retried(() => deliveryClients[(i + step) % 2]!.changeStatus(delivery.id, { status }));
          patches += 1;
          if (res.status === 409) conflicts += 1;
          expectOk(res);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(patches).toBe(ORDERS * (ORDER_STEPS.length + DELIVERY_STEPS.length));
    const patchedMs = Date.now() - started;

    const onFinal = (c: MqttRecorder, orderId: string) =>
      c.on(topics.orderStatus(orderId)).some((m) => m.payload.version === FINAL_VERSION) &&
      c.on(topics.orderTracking(orderId)).some((m) => m.payload.version === FINAL_DELIVERY_VERSION);
    await waitFor(
      () => orders.every((o) => onFinal(customers.get(o.id)!, o.id)),
      'every customer to receive the final order and delivery versions',
      90_000,
      50,
    ).catch((err: Error) => {
      const behind = orders.filter((o) => !onFinal(customers.get(o.id)!, o.id));
      const sample = customers.get(behind[0]!.id)!.messages.map((m) => `${m.topic.split('/').pop()}:v${String(m.payload.version)}:${String(m.payload.status)}`);
      throw new Error(`${err.message}; ${behind.length} customers behind, e.g. ${behind[0]!.id} received ${sample.join(' ')}`);
    });
    const deliveredMs = Date.now() - started;

    let received = 0;
    let repeated = 0;
    for (const order of orders) {
      for (const topic of [topics.orderStatus(order.id), topics.orderTracking(order.id)]) {
        const versions = customers
          .get(order.id)!
          .on(topic)
          .map((m: ReceivedMessage) => m.payload.version as number);
        received += versions.length;
        for (let k = 1; k < versions.length; k += 1) {
          expect(versions[k]).toBeGreaterThanOrEqual(versions[k - 1]!); // never backwards
          if (versions[k] === versions[k - 1]) repeated += 1;
        }
      }
      expect(customers.get(order.id)!.on(topics.orderStatus(order.id)).at(-1)!.payload).toMatchObject({
        orderId: order.id,
        status: 'delivered',
        version: FINAL_VERSION,
      });
      expect(customers.get(order.id)!.on(topics.orderTracking(order.id)).at(-1)!.payload).toMatchObject({
        status: 'delivered',
        version: FINAL_DELIVERY_VERSION,
      });
    }

    // Each outbox event exactly once and, per aggregate, in version order (as RabbitMQ received them).
    const expectedEvents = ORDERS * (FINAL_VERSION + FINAL_DELIVERY_VERSION);
    await waitFor(() => emitted.length >= expectedEvents, `${expectedEvents} events on the exchanges`, 30_000, 50);
    const seen = new Set<string>();
    let duplicatePublishes = 0;
    let outOfOrder = 0;
    const lastVersion = new Map<string, number>();
    for (const event of emitted) {
      // A copy (the relay could not remove an event it had published, e.g. its write lock timed out
      // on a loaded store, so a later drain sent it again) is counted and reported; the order is
      // checked on each event's first publish.
      if (seen.has(event.id)) {
        duplicatePublishes += 1;
        continue;
      }
      seen.add(event.id);
      const aggregate = event.type.startsWith('delivery.')
        ? `delivery:${(event.data as { id?: string; deliveryId?: string }).deliveryId ?? (event.data as { id: string }).id}`
        : `order:${event.orderId}`;
      if ((lastVersion.get(aggregate) ?? 0) >= event.version) outOfOrder += 1;
      lastVersion.set(aggregate, event.version);
    }

    const published = await Promise.all(notifierMetrics.map((url) => metric(url, 'notifier_mqtt_messages_published_total{kind="order-status"')));
    const stale = await Promise.all(notifierMetrics.map((url) => metric(url, 'notifier_events_deduped_total')));
    const relayedOrders = await Promise.all(ordersMetrics.map((url) => metric(url, 'outbox_events_published_total')));
    const relayedDeliveries = await Promise.all(deliveryMetrics.map((url) => metric(url, 'outbox_events_published_total')));
    process.stdout.write(
      `\n[competing-consumers] ${patches} changes over 2 orders-services and 2 delivery-services on MongoDB in ${patchedMs} ms (409s: ${conflicts}; retried after a 503: ${retriedAfter503});` +
        ` all ${ORDERS} customers on order v${FINAL_VERSION} and delivery v${FINAL_DELIVERY_VERSION} after ${deliveredMs} ms;` +
        ` ${received} status/tracking messages received, ${repeated} repeated versions, 0 backwards;` +
        ` ${emitted.length} events on the exchanges for ${expectedEvents} written: ${duplicatePublishes} duplicate publishes (copies), ${outOfOrder} first publishes out of version order;` +
        ` order-status messages published per notifier: ${published.join(' + ')}; events dropped as duplicate/stale per notifier: ${stale.join(' + ')};` +
        ` events relayed per orders-service outbox: ${relayedOrders.join(' + ')}, per delivery-service outbox: ${relayedDeliveries.join(' + ')}\n`,
    );
    // Every instance did real work: they competed, not one idled.
    expect(published.every((count) => count > 0)).toBe(true);
    expect([...relayedOrders, ...relayedDeliveries].every((count) => count > 0)).toBe(true);
    // Every event left, each first publish in version order; copies stay rare (quiet machine: none).
    expect(seen.size).toBe(expectedEvents);
    expect(outOfOrder).toBe(0);
    expect(duplicatePublishes).toBeLessThanOrEqual(Math.ceil(expectedEvents * 0.01));
    expect(relayedOrders.reduce((sum, count) => sum + count, 0)).toBeGreaterThanOrEqual(ORDERS * FINAL_VERSION);
    expect(relayedDeliveries.reduce((sum, count) => sum + count, 0)).toBeGreaterThanOrEqual(ORDERS * FINAL_DELIVERY_VERSION);
  }, 360_000);

  it('when late copies of older events arrive at both notifiers, then they are dropped and nobody goes back', async () => {
    const droppedBefore = await Promise.all(notifierMetrics.map((url) => metric(url, 'notifier_events_deduped_total')));
    const late = orders.map((order) => emitted.find((e) => e.type.startsWith('order.') && e.orderId === order.id && e.version === FINAL_VERSION - 1));
    expect(late.every(Boolean)).toBe(true);
    const channel = await tap.createConfirmChannel();
    for (const event of late) {
      for (let copy = 0; copy < 2; copy += 1) {
        channel.publish(namespaced(namespace, EXCHANGES.orders), event!.type, Buffer.from(JSON.stringify(event)), {
          persistent: true,
          contentType: 'application/json',
          messageId: event!.id,
        });
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
    // Each topic on its own: the tracking topic's last message (delivery v5) may arrive after the status topic's.
    for (const order of orders) {
      const customer = customers.get(order.id)!;
      expect(customer.on(topics.orderStatus(order.id)).at(-1)!.payload).toMatchObject({ status: 'delivered', version: FINAL_VERSION });
      expect(customer.on(topics.orderTracking(order.id)).at(-1)!.payload).toMatchObject({ status: 'delivered', version: FINAL_DELIVERY_VERSION });
    }
  }, 60_000);

  it('then a customer who subscribes afterwards gets the final state retained, for every order', async () => {
    const late = await MqttRecorder.connect(system.urls.mqtt, ['orders/+/status'], {
      clientId: `admin-late-${namespace}`.slice(0, 64),
      username: 'admin',
      password: await tokens.admin(),
    });
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
