import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import * as amqplib from 'amqplib';
import type { OrderSnapshot, OrderStatus } from '@orderpulse/contracts';
import { topics } from '@orderpulse/contracts';
import { namespaced } from '@orderpulse/service-kit';
import { deleteAmqpNamespace, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { MqttRecorder, NODE_ARGS, OrdersClient, TestTokens, startSystem, type ReceivedMessage, type RunningSystem } from '../src/harness/index.js';

const amqpUrl = process.env.AMQP_URL as string;

/** What a client applies: each message whose version is above every one before it. */
function appliedVersions(messages: ReceivedMessage[]): ReceivedMessage[] {
  let highest = 0;
  return messages.filter((m) => {
    const version = m.payload.version as number;
    if (version <= highest) return false;
    highest = version;
    return true;
  });
}

/**
 * The first live path, all real processes: admin PATCH → orders-service (outbox) → RabbitMQ →
 * notifier → Aedes → the customer's mqtt.js subscription.
 */
describe('when an admin changes an order, then its subscribed customer sees it live', () => {
  const namespace = testNamespace('e2e');
  let system: RunningSystem;
  let orders: OrdersClient;
  let customer: MqttRecorder;
  let admin: MqttRecorder;
  let order: OrderSnapshot;
  let tokens: TestTokens;
  const latencies: Array<{ status: string; version: number; ms: number }> = [];
  const logLines: string[] = [];

  beforeAll(async () => {
    system = await startSystem({
      amqpUrl,
      namespace,
      ports: 'free',
      services: ['broker', 'orders', 'notifier'],
      logLevel: 'info',
      onLine: (_service, line) => logLines.push(line),
    });
    tokens = new TestTokens(system.jwtSecret);
    orders = new OrdersClient(system.urls.orders, await tokens.admin());
    admin = await MqttRecorder.connect(system.urls.mqtt, [topics.adminOrders()], {
      clientId: `admin-${namespace}`,
      username: 'admin',
      password: await tokens.admin(),
    });
    const created = await orders.createOrder();
    expect(created.status).toBe(201);
    order = created.body;
    customer = await MqttRecorder.connect(system.urls.mqtt, [topics.orderStatus(order.id)], {
      clientId: `customer-${namespace}`,
      username: 'customer',
      password: await tokens.customer(order.id),
    });
  }, 60_000);

  afterAll(async () => {
    await customer?.close();
    await admin?.close();
    await system?.stop();
    await deleteAmqpNamespace(amqpUrl, namespace, ['notifier']);
    if (latencies.length) {
      process.stdout.write(`\nPATCH → MQTT receipt (ms): ${latencies.map((l) => `${l.status} v${l.version} ${l.ms.toFixed(1)}`).join(', ')}\n`);
    }
  });

  it('then each process runs with its node options (the broker without the memory reducer, with a larger young generation)', () => {
    for (const [name, process] of system.processes) {
      const argv = readFileSync(`/proc/${process.child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      expect({ name, nodeArgs: argv.slice(1, -1) }).toEqual({ name, nodeArgs: [...NODE_ARGS[name]] });
    }
    expect(NODE_ARGS.broker).toEqual(expect.arrayContaining(['--no-memory-reducer', '--max-semi-space-size=64']));
  });

  it('then the new order arrives as pending, version 1', async () => {
    const first = await customer.waitFor((ms) => ms.find((m) => m.payload.version === 1), 'order.created on the status topic');
    expect(first.payload).toMatchObject({ orderId: order.id, orderNumber: order.orderNumber, status: 'pending', version: 1 });
  });

  it('then three status changes arrive in order with increasing versions', async () => {
    const steps: OrderStatus[] = ['confirmed', 'processing', 'shipped'];
    for (const status of steps) {
      const sentAt = performance.timeOrigin + performance.now();
      const res = await orders.changeStatus(order.id, status === 'shipped' ? { status, trackingNumber: 'TRK-123' } : { status });
      expect(res.status).toBe(200);
      const received = await customer.waitFor((ms) => ms.find((m) => m.payload.status === status), `${status} on the status topic`);
      latencies.push({ status, version: received.payload.version as number, ms: received.receivedAt - sentAt });
    }
    // A subscription racing the first publish may get v1 twice (retained and live): the
    // client rule keeps only versions above the highest seen, and nothing ever goes backwards.
    const seen = appliedVersions(customer.on(topics.orderStatus(order.id))).map((m) => [m.payload.status, m.payload.version]);
    expect(seen).toEqual([
      ['pending', 1],
      ['confirmed', 2],
      ['processing', 3],
      ['shipped', 4],
    ]);
    expect(customer.on(topics.orderStatus(order.id)).at(-1)?.payload.trackingNumber).toBe('TRK-123');
  });

  it('then one grep for the order id follows the change from the HTTP request to the MQTT publish', async () => {
    // The processes write their logs asynchronously: a line may reach us after the customer got the
    // message it is about, so the lines are looked for until they are all there (or 10 s pass).
    await waitFor(() => {
      const trail = logLines.filter((line) => line.startsWith('{') && line.includes(order.id)).map((line) => JSON.parse(line) as Record<string, unknown>);
      const changed = trail.find((l) => l.msg === 'order status changed' && l.to === 'confirmed');
      expect(changed).toMatchObject({ service: 'orders-service', orderId: order.id, version: 2 });
      const eventId = changed!.eventId as string;
      expect(trail).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ service: 'orders-service', msg: 'request', method: 'PATCH', path: `/orders/${order.id}/status`, status: 200 }),
          expect.objectContaining({ service: 'orders-service', msg: 'event published', eventId, orderId: order.id }),
          expect.objectContaining({ service: 'notifier-service', msg: 'event published to MQTT', eventId, orderId: order.id, version: 2 }),
        ]),
      );
      return true;
    }, 'the log lines of the change to confirmed');
  });

  it('then the admin feed saw every change', async () => {
    const feed = await admin.waitFor((ms) => {
      const mine = ms.filter((m) => m.payload.orderId === order.id);
      return mine.length >= 4 && mine;
    }, 'four admin feed messages');
    expect(feed.map((m) => m.payload.version)).toEqual([1, 2, 3, 4]);
    expect(feed[0]?.payload.type).toBe('order.created');
  });

  it('then a subscriber that connects afterwards gets the latest status at once, retained', async () => {
    const late = await MqttRecorder.connect(system.urls.mqtt, [topics.orderStatus(order.id)], {
      clientId: `late-${namespace}`,
      username: 'customer',
      password: await tokens.customer(order.id),
    });
    try {
      const message = await late.waitFor((ms) => ms[0], 'the retained status', 2_000);
      expect(message.retained).toBe(true);
      expect(message.payload).toMatchObject({ status: 'shipped', version: 4 });
    } finally {
      await late.close();
    }
  });

  describe('when the input is bad, then nothing is written', () => {
    const expectUnchanged = async () => {
      const now = await orders.getOrder(order.id);
      expect(now.body).toMatchObject({ status: 'shipped', version: 4 });
      expect(now.body.history).toHaveLength(4);
    };

    it('a malformed PATCH body gets 400 naming the field', async () => {
      const wrongType = await orders.changeStatus(order.id, { status: 'teleported' });
      expect(wrongType.status).toBe(400);
      expect(JSON.stringify(wrongType.body)).toMatch(/status/);
      const notJson = await orders.patchRaw(order.id, '{"status":');
      expect(notJson.status).toBe(400);
      await expectUnchanged();
    });

    it('an invalid transition gets 409', async () => {
      const res = await orders.changeStatus(order.id, { status: 'pending' });
      expect(res.status).toBe(409);
      expect(JSON.stringify(res.body)).toMatch(/shipped/);
      await expectUnchanged();
    });

    it('an unknown order gets 404', async () => {
      const res = await orders.changeStatus('00000000-0000-4000-8000-000000000000', { status: 'confirmed' });
      expect(res.status).toBe(404);
      expect((await orders.getOrder('00000000-0000-4000-8000-000000000000')).status).toBe(404);
      await expectUnchanged();
    });

    it('and no MQTT message followed any of them', () => {
      expect(appliedVersions(customer.on(topics.orderStatus(order.id))).map((m) => m.payload.version)).toEqual([1, 2, 3, 4]);
      expect(customer.on(topics.orderStatus(order.id)).at(-1)?.payload.version).toBe(4);
    });
  });

  it('when a malformed message is put on the orders exchange, then it is dead-lettered and the next good event still arrives', async () => {
    const connection = await amqplib.connect(amqpUrl);
    try {
      const channel = await connection.createChannel();
      const dlq = namespaced(namespace, 'notifier.dlq');
      const before = (await channel.checkQueue(dlq)).messageCount;
      channel.publish(namespaced(namespace, 'orders'), 'order.status_changed', Buffer.from('{"type":"order.status_changed","orderId":"nope"}'), {
        persistent: true,
      });
      await waitFor(async () => (await channel.checkQueue(dlq)).messageCount === before + 1, 'the poison message in the dead-letter queue');

      const res = await orders.changeStatus(order.id, { status: 'out_for_delivery' });
      expect(res.status).toBe(200);
      const next = await customer.waitFor((ms) => ms.find((m) => m.payload.status === 'out_for_delivery'), 'the next good event');
      expect(next.payload.version).toBe(5);
      await channel.close();
    } finally {
      await connection.close();
    }
  });
});
