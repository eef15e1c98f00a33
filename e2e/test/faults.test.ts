import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as amqplib from 'amqplib';
import type { OrderSnapshot } from '@orderpulse/contracts';
import { topics } from '@orderpulse/contracts';
import { namespaced } from '@orderpulse/service-kit';
import { deleteAmqpNamespace, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { checkSubscribers, StatusSubscriber, StreamDriver, type Expected } from '../src/faults/index.js';
import { DeliveryClient, OrdersClient, TestTokens, startSystem, type RunningSystem } from '../src/harness/index.js';

const amqpUrl = process.env.AMQP_URL as string;
const QUEUES = ['notifier', 'delivery-service.orders', 'orders-service.delivery'];
const RABBITMQCTL = '/usr/sbin/rabbitmqctl';
const ORDERS_PER_FAULT = 200;
const CUSTOMER_SUBSCRIBERS = 20;
const RATE = 150;
const CONVERGE_MS = 30_000;

interface Row {
  fault: string;
  events: number;
  orders: number;
  lost: number;
  regressions: number;
  note?: string;
}
const rows: Row[] = [];

function table(): string {
  const lines = ['| fault | events sent | orders checked | lost | regressions |', '|---|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.fault}${r.note ? ` (${r.note})` : ''} | ${r.events} | ${r.orders} | ${r.lost} | ${r.regressions} |`);
  return lines.join('\n');
}

/** Runs `fn` over `items`, `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/** A GET that rides out a service restart: retried until it answers 200 or `what` times out. */
function getOrder(orders: OrdersClient, id: string): Promise<OrderSnapshot> {
  return waitFor(async () => {
    const res = await orders.getOrder(id);
    return res.status === 200 && res.body;
  }, `GET /orders/${id}`, 20_000);
}

/**
 * Fault injection against the real processes: a steady stream of status changes for 200 orders,
 * watched by wildcard admin subscribers and per-order customer subscribers; a fault is injected
 * mid-stream; then stored state and what every subscriber ended on are checked.
 * "lost" = (subscriber, order) pairs that never reached the stored final version and status;
 * "regressions" = messages with a version LOWER than one the same subscriber had already seen
 * for that order (equal versions are duplicates, tolerated; see OrderView).
 */
describe('when faults hit the system mid-stream, then no event is lost and no version goes backwards', () => {
  const namespace = testNamespace('faults');
  let system: RunningSystem;
  let tokens: TestTokens;
  let orders: OrdersClient;
  let adminToken: string;

  beforeAll(async () => {
    system = await startSystem({ amqpUrl, namespace, ports: 'free', services: ['broker', 'orders', 'delivery', 'notifier'], logLevel: 'warn' });
    tokens = new TestTokens(system.jwtSecret);
    adminToken = await tokens.admin();
    orders = new OrdersClient(system.urls.orders, adminToken);
  }, 60_000);

  afterAll(async () => {
    await system?.stop();
    await deleteAmqpNamespace(amqpUrl, namespace, QUEUES);
    if (rows.length) process.stdout.write(`\nReliability: faults tried\n${table()}\n`);
  });

  /** Creates the orders and connects their subscribers: two wildcard admins plus per-order customers. */
  async function prepare(fault: string, count = ORDERS_PER_FAULT) {
    const created = await pool(Array.from({ length: count }, (_, i) => i), 16, async (i) => {
      const res = await orders.createOrder();
      if (res.status !== 201) throw new Error(`create order ${i}: ${res.status}`);
      return res.body;
    });
    const ids = created.map((o) => o.id);
    const subscribers: StatusSubscriber[] = [];
    for (let a = 0; a < 2; a += 1) {
      subscribers.push(
        await StatusSubscriber.connect(`admin-${a}`, system.urls.mqtt, ['orders/+/status'], { clientId: `fault-admin-${fault}-${a}-${namespace}`, username: 'admin', password: adminToken }, ids),
      );
    }
    const customers = await pool(created.slice(0, CUSTOMER_SUBSCRIBERS), 8, async (o) =>
      StatusSubscriber.connect(`customer-${o.id.slice(0, 8)}`, system.urls.mqtt, [topics.orderStatus(o.id)], {
        clientId: `fault-cust-${o.id}`,
        username: 'customer',
        password: await tokens.customer(o.id),
      }),
    );
    // Aedes streams the retained copies after SUBACK; wait for them, so a retained v1 cannot
    // race a live v2 (that would be a subscription artefact, not the fault under test).
    for (const sub of [...subscribers, ...customers]) {
      const mine = sub.name.startsWith('admin') ? ids : [created[customers.indexOf(sub)]!.id];
      const ready = await sub.until(() => mine.every((id) => (sub.view(id)?.highest ?? 0) >= 1), 10_000);
      if (!ready) throw new Error(`${sub.name}: the retained initial states did not arrive`);
    }
    return { created, subscribers, customers };
  }

  /**
   * Drives the stream, calls `inject` once 40% of it is done, finishes the stream, then checks
   * stored state and every subscriber. Returns the row for the report.
   */
  async function runFault(
    fault: string,
    inject: (driver: StreamDriver) => Promise<void>,
    extraEvents: () => number = () => 0,
    options: { lateSubscriberCheck?: boolean; note?: string } = {},
  ): Promise<Row> {
    const { created, subscribers, customers } = await prepare(fault);
    try {
      const driver = new StreamDriver(orders, created, { ratePerSecond: RATE });
      const running = driver.run(120_000);
      await Promise.race([driver.reached(0.4), running]);
      await inject(driver);
      await running;

      // Stored state: the path walked exactly, every 200 PATCH at the version it returned.
      const stored = await pool(driver.orders, 16, (o) => getOrder(orders, o.id));
      driver.orders.forEach((o, i) => {
        const s = stored[i]!;
        expect({ id: o.id, history: s.history.map((h) => h.status) }).toEqual({ id: o.id, history: ['pending', ...o.path] });
        expect(s.status).toBe(o.path.at(-1));
        expect(s.version).toBe(o.path.length + 1);
        for (const ack of o.acknowledged) expect(s.history[ack.version - 1]?.status).toBe(ack.status);
      });

      const expected: Expected[] = stored.map((s) => ({ orderId: s.id, version: s.version, status: s.status }));
      const byId = new Map(expected.map((e) => [e.orderId, e]));
      const result = await checkSubscribers(
        [...subscribers.map((subscriber) => ({ subscriber, orders: expected })), ...customers.map((c, i) => ({ subscriber: c, orders: [byId.get(created[i]!.id)!] }))],
        CONVERGE_MS,
      );
      // A subscriber that connects only now gets every order's final state, retained.
      if (options.lateSubscriberCheck !== false) {
        const late = await StatusSubscriber.connect('late', system.urls.mqtt, ['orders/+/status'], { clientId: `fault-late-${namespace}`, username: 'admin', password: adminToken }, created.map((o) => o.id));
      const lateResult = await checkSubscribers([{ subscriber: late, orders: expected }], 10_000).finally(() => late.close());
      result.lost.push(...lateResult.lost);
        result.regressions.push(...lateResult.regressions);
      }
      const row: Row = {
        fault,
        events: stored.reduce((n, s) => n + s.version, 0) + extraEvents(),
        orders: created.length,
        lost: result.lost.length,
        regressions: result.regressions.length,
        ...(options.note ? { note: options.note } : {}),
      };
      rows.push(row);
      process.stdout.write(`${fault}: ${JSON.stringify(driver.stats)}; pairs ${result.pairs}, duplicates ${result.duplicates}\n`);
      expect(result.lost.slice(0, 5)).toEqual([]);
      expect(result.regressions.slice(0, 5)).toEqual([]);
      return row;
    } finally {
      await Promise.all([...subscribers, ...customers].map((s) => s.close()));
    }
  }

  it('(a) the notifier is SIGKILLed and restarted', async () => {
    await runFault('notifier SIGKILL + restart', async () => {
      expect(await system.processes.get('notifier')!.stop('SIGKILL')).toBeNull();
      await system.restart('notifier');
    });
  }, 180_000);

  it('(b) RabbitMQ force-closes every connection', async () => {
    if (!existsSync(RABBITMQCTL)) {
      process.stdout.write(`(b) skipped: ${RABBITMQCTL} is not installed\n`);
      rows.push({ fault: 'rabbitmqctl close_connection (every connection of the system)', events: 0, orders: 0, lost: 0, regressions: 0, note: 'skipped: no rabbitmqctl' });
      return;
    }
    await runFault('rabbitmqctl close_connection (every connection of the system)', async () => {
      // Only this system's connections (named `<namespace>.<service>`): other suites share the RabbitMQ.
      const run = promisify(execFile);
      const { stdout } = await run(RABBITMQCTL, ['list_connections', 'pid', 'client_properties', '--quiet', '--no-table-headers'], { timeout: 30_000 });
      const ours = stdout.split('\n').filter((line) => line.includes(`"${namespace}.`)).map((line) => line.split('\t')[0] as string);
      expect(ours.length).toBeGreaterThanOrEqual(3);
      for (const pid of ours) await run(RABBITMQCTL, ['close_connection', pid, 'fault test'], { timeout: 30_000 });
    });
  }, 180_000);

  it('(c) the MQTT broker is SIGKILLed and restarted', async () => {
    await runFault('broker SIGKILL + restart', async () => {
      expect(await system.processes.get('broker')!.stop('SIGKILL')).toBeNull();
      await system.restart('broker');
    });
  }, 180_000);

  it('(d) orders-service is SIGKILLed with PATCHes in flight', async () => {
    await runFault('orders-service SIGKILL mid-PATCH + restart', async () => {
      expect(await system.processes.get('orders')!.stop('SIGKILL')).toBeNull();
      await system.restart('orders');
    });
  }, 180_000);

  it('(e) every event is delivered twice, some out of order', async () => {
    const connection = await amqplib.connect(amqpUrl);
    const channel = await connection.createConfirmChannel();
    const exchange = namespaced(namespace, 'orders');
    const tap = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(tap.queue, exchange, '#');
    const captured: amqplib.ConsumeMessage[] = [];
    await channel.consume(tap.queue, (m) => m && captured.push(m), { noAck: true });
    let replayed = 0;
    // Each captured event is published again, twice, in a shuffled order.
    const replay = async (batch: amqplib.ConsumeMessage[]) => {
      const copies = [...batch, ...batch].map((m) => ({ m, key: Math.random() })).sort((x, y) => x.key - y.key);
      for (const { m } of copies) channel.publish(exchange, m.fields.routingKey, m.content, { ...m.properties, persistent: true });
      await channel.waitForConfirms();
      replayed += copies.length;
    };
    try {
      await runFault(
        'every event twice, shuffled',
        async (driver) => {
          await replay(captured.slice());
          await driver.reached(0.8);
          await replay(captured.slice());
        },
        () => replayed,
      );
    } finally {
      await connection.close();
    }
  }, 180_000);

  it('(f) a poison message lands on each queue', async () => {
    const connection = await amqplib.connect(amqpUrl);
    const channel = await connection.createConfirmChannel();
    let poisoned = 0;
    try {
      const dlqCount = async () => {
        const counts: number[] = [];
        for (const q of QUEUES) counts.push((await channel.checkQueue(namespaced(namespace, `${q}.dlq`))).messageCount);
        return counts;
      };
      const before = await dlqCount();
      await runFault(
        'poison message on each queue',
        async () => {
          for (const q of QUEUES) {
            channel.sendToQueue(namespaced(namespace, q), Buffer.from('not json {'), { persistent: true });
            channel.sendToQueue(namespaced(namespace, q), Buffer.from(JSON.stringify({ type: 'order.status_changed', orderId: 'nope', version: -1 })), { persistent: true });
            poisoned += 2;
          }
          await channel.waitForConfirms();
          await waitFor(async () => (await dlqCount()).every((n, i) => n === before[i]! + 2), 'both poison messages in every dead-letter queue', 20_000);
        },
        () => poisoned,
      );
    } finally {
      await connection.close();
    }
  }, 180_000);

  it('(g) delivery-service is SIGKILLed and restarted while riders publish', async () => {
    const deliveries = new DeliveryClient(system.urls.delivery, adminToken);
    const RIDERS = 8;
    const LOCATIONS = 20;
    const created = await pool(Array.from({ length: RIDERS }, (_, i) => i), 4, async () => (await orders.createOrder()).body);
    const customers = await pool(created, 4, async (o) =>
      StatusSubscriber.connect(`customer-${o.id.slice(0, 8)}`, system.urls.mqtt, [topics.orderStatus(o.id), topics.orderTracking(o.id)], {
        clientId: `fault-ride-${o.id}`,
        username: 'customer',
        password: await tokens.customer(o.id),
      }),
    );
    const riders: StatusSubscriber[] = [];
    try {
      for (const o of created) {
        for (const status of ['confirmed', 'processing', 'shipped'] as const) {
          expect((await orders.changeStatus(o.id, status === 'shipped' ? { status, trackingNumber: 'TRK-G' } : { status })).status).toBe(200);
        }
      }
      const rides = await pool(created, 4, async (o, ) => {
        const delivery = await waitFor(() => deliveries.deliveryOf(o.id), `the delivery of ${o.id}`, 20_000);
        const rider = (await deliveries.createRider({ name: `Rider ${o.id.slice(0, 4)}` })).body;
        expect((await deliveries.assign(delivery.id, rider.id)).status).toBe(200);
        const assigned = await waitFor(async () => {
          const d = (await deliveries.getDelivery(delivery.id)).body;
          return d.status === 'assigned' && d;
        }, 'the delivery to be assigned');
        const token = (await deliveries.riderToken(rider.id)).body.token;
        const device = await StatusSubscriber.connect(`rider-${rider.id}`, system.urls.mqtt, [topics.riderAssignments(rider.id)], { clientId: `fault-rider-${rider.id}`, username: 'rider', password: token });
        riders.push(device);
        return { order: o, delivery: assigned, riderId: rider.id, device };
      });

      // Every rider's reports, interleaved across riders: picked_up, in_transit, locations, delivered.
      const base = Date.now();
      // 100 ms apart: dated within delivery-service's 30 s allowance for a clock ahead of its own.
      const at = (i: number) => new Date(base + i * 100).toISOString();
      const reports: Array<() => Promise<unknown>> = [];
      for (let step = 0; step < LOCATIONS + 3; step += 1) {
        for (const r of rides) {
          const statusTopic = topics.riderDeliveryStatus(r.riderId, r.delivery.id);
          const payload =
            step === 0 ? { status: 'picked_up', at: at(step) }
            : step === 1 ? { status: 'in_transit', at: at(step) }
            : step === LOCATIONS + 2 ? { status: 'delivered', at: at(step) }
            : null;
          reports.push(() =>
            payload
              ? r.device.client.publishAsync(statusTopic, JSON.stringify(payload), { qos: 1 })
              : r.device.client.publishAsync(topics.riderLocation(r.riderId), JSON.stringify({ lat: 51.46 - step * 0.0002, lng: -2.58, at: at(step) }), { qos: 1 }),
          );
        }
      }
      const killAt = Math.floor(reports.length * 0.4);
      let restarted: Promise<unknown> = Promise.resolve();
      for (let i = 0; i < reports.length; i += 1) {
        if (i === killAt) {
          expect(await system.processes.get('delivery')!.stop('SIGKILL')).toBeNull();
          restarted = system.restart('delivery');
        }
        await reports[i]!();
      }
      await restarted;

      const expected: Array<{ subscriber: StatusSubscriber; orders: Expected[] }> = [];
      for (const [i, r] of rides.entries()) {
        const final = await waitFor(async () => {
          const d = (await deliveries.getDelivery(r.delivery.id)).body;
          return d.status === 'delivered' && d;
        }, `delivery ${r.delivery.id} delivered`, 20_000);
        expect(final.version).toBe(r.delivery.version + LOCATIONS + 3);
        expect(final.history.map((h) => h.status)).toEqual(['awaiting_assignment', 'assigned', 'picked_up', 'in_transit', 'delivered']);
        const order = await waitFor(async () => {
          const o = await getOrder(orders, r.order.id);
          return o.status === 'delivered' && o;
        }, `order ${r.order.id} delivered`, 20_000);
        expect(order.history.map((h) => h.status)).toEqual(['pending', 'confirmed', 'processing', 'shipped', 'out_for_delivery', 'delivered']);
        expected.push({
          subscriber: customers[i]!,
          orders: [
            { orderId: r.order.id, version: order.version, status: 'delivered' },
            { orderId: `${r.order.id}/tracking`, version: final.version, status: 'delivered' },
          ],
        });
      }
      const result = await checkSubscribers(expected, CONVERGE_MS);
      rows.push({ fault: 'delivery-service SIGKILL while riders publish', events: reports.length, orders: created.length, lost: result.lost.length, regressions: result.regressions.length });
      expect(result.lost).toEqual([]);
      expect(result.regressions).toEqual([]);
    } finally {
      await Promise.all([...customers, ...riders].map((s) => s.close()));
    }
  }, 120_000);
});
