import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as amqplib from 'amqplib';
import { domainEventSchema, topics } from '@orderpulse/contracts';
import { eventPublishOptions, namespaced } from '@orderpulse/service-kit';
import { deleteAmqpNamespace, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { itIfAvailable } from '@orderpulse/service-kit/testing/suites';
import {
  checkSubscribers,
  closeRabbitMqConnections,
  createFaultRunner,
  faultTable,
  getOrderEventually,
  pool,
  rabbitmqctlMissing,
  startFaultSystem,
  StatusSubscriber,
  type Expected,
  type FaultRow,
} from '../src/faults/index.js';
import { DeliveryClient, OrdersClient, TestTokens, type RunningSystem } from '../src/harness/index.js';

const amqpUrl = process.env.AMQP_URL as string;
const QUEUES = ['notifier', 'delivery-service.orders', 'orders-service.delivery'];
const CONVERGE_MS = 30_000;

const rows: FaultRow[] = [];

/**
 * Fault injection against the real processes on the zero-setup store (journal files), see
 * e2e/src/faults/fault-runner.ts for what is driven and checked; faults-mongo.test.ts runs the
 * same on MongoDB, and adds the database itself going down.
 */
describe('when faults hit the system mid-stream, then no event is lost and no version goes backwards', () => {
  const namespace = testNamespace('faults');
  let system: RunningSystem;
  let tokens: TestTokens;
  let orders: OrdersClient;
  let adminToken: string;
  let runFault: ReturnType<typeof createFaultRunner>['runFault'];

  beforeAll(async () => {
    ({ system, tokens, adminToken, orders, runFault } = await startFaultSystem({ amqpUrl, namespace, rows }));
  }, 60_000);

  afterAll(async () => {
    await system?.stop();
    await deleteAmqpNamespace(amqpUrl, namespace, QUEUES);
    if (rows.length) process.stdout.write(`\nReliability: faults tried\n${faultTable(rows)}\n`);
  });

  /** Runs one fault and asserts nothing was lost or went backwards. */
  async function expectNoLoss(...args: Parameters<typeof runFault>) {
    const { storedProblems, lost, regressions } = await runFault(...args);
    expect(storedProblems.slice(0, 5)).toEqual([]);
    expect(lost.slice(0, 5)).toEqual([]);
    expect(regressions.slice(0, 5)).toEqual([]);
  }

  it('(a) the notifier is SIGKILLed and restarted', async () => {
    await expectNoLoss('notifier SIGKILL + restart', async () => {
      expect(await system.processes.get('notifier')!.stop('SIGKILL')).toBeNull();
      await system.restart('notifier');
      return performance.now(); // ready again
    });
  }, 180_000);

  itIfAvailable(
    '(b) RabbitMQ force-closes every connection',
    rabbitmqctlMissing(),
    async () => {
      await expectNoLoss('rabbitmqctl close_connection (every connection of the system)', async () => {
        expect(await closeRabbitMqConnections(namespace)).toBeGreaterThanOrEqual(3);
        return performance.now(); // RabbitMQ answers at once: only the connections went
      });
    },
    180_000,
  );

  it('(c) the MQTT broker is SIGKILLed and restarted', async () => {
    await expectNoLoss('broker SIGKILL + restart', async () => {
      expect(await system.processes.get('broker')!.stop('SIGKILL')).toBeNull();
      await system.restart('broker');
      return performance.now(); // ready again
    });
  }, 180_000);

  it('(d) orders-service is SIGKILLed with PATCHes in flight', async () => {
    await expectNoLoss('orders-service SIGKILL mid-PATCH + restart', async () => {
      expect(await system.processes.get('orders')!.stop('SIGKILL')).toBeNull();
      await system.restart('orders');
      return performance.now(); // ready again
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
      // As orders-service publishes them, so a status change reaches the queues bound to its status too (delivery-service's `shipped`).
      for (const { m } of copies)
        channel.publish(exchange, m.fields.routingKey, m.content, eventPublishOptions(domainEventSchema.parse(JSON.parse(m.content.toString()))));
      await channel.waitForConfirms();
      replayed += copies.length;
    };
    try {
      await expectNoLoss(
        'every event twice, shuffled',
        async (driver) => {
          await replay(captured.slice());
          await driver.reached(0.8);
          await replay(captured.slice());
        },
        { extraEvents: () => replayed },
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
      await expectNoLoss(
        'poison message on each queue',
        async () => {
          for (const q of QUEUES) {
            channel.sendToQueue(namespaced(namespace, q), Buffer.from('not json {'), { persistent: true });
            channel.sendToQueue(namespaced(namespace, q), Buffer.from(JSON.stringify({ type: 'order.status_changed', orderId: 'nope', version: -1 })), {
              persistent: true,
            });
            poisoned += 2;
          }
          await channel.waitForConfirms();
          await waitFor(async () => (await dlqCount()).every((n, i) => n === before[i]! + 2), 'both poison messages in every dead-letter queue', 20_000);
        },
        { extraEvents: () => poisoned },
      );
    } finally {
      await connection.close();
    }
  }, 180_000);

  it('(g) delivery-service is SIGKILLed and restarted while riders publish', async () => {
    const deliveries = new DeliveryClient(system.urls.delivery, adminToken);
    const RIDERS = 8;
    const LOCATIONS = 20;
    const created = await pool(
      Array.from({ length: RIDERS }, (_, i) => i),
      4,
      async () => (await orders.createOrder()).body,
    );
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
      const rides = await pool(created, 4, async (o) => {
        const delivery = await waitFor(() => deliveries.deliveryOf(o.id), `the delivery of ${o.id}`, 20_000);
        const rider = (await deliveries.createRider({ name: `Rider ${o.id.slice(0, 4)}` })).body;
        expect((await deliveries.assign(delivery.id, rider.id)).status).toBe(200);
        const assigned = await waitFor(async () => {
          const d = (await deliveries.getDelivery(delivery.id)).body;
          return d.status === 'assigned' && d;
        }, 'the delivery to be assigned');
        const token = (await deliveries.riderToken(rider.id)).body.token;
        const device = await StatusSubscriber.connect(`rider-${rider.id}`, system.urls.mqtt, [topics.riderAssignments(rider.id)], {
          clientId: `fault-rider-${rider.id}`,
          username: 'rider',
          password: token,
        });
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
            step === 0
              ? { status: 'picked_up', at: at(step) }
              : step === 1
                ? { status: 'in_transit', at: at(step) }
                : step === LOCATIONS + 2
                  ? { status: 'delivered', at: at(step) }
                  : null;
          reports.push(() =>
            payload
              ? r.device.client.publishAsync(statusTopic, JSON.stringify(payload), { qos: 1 })
              : r.device.client.publishAsync(topics.riderLocation(r.riderId), JSON.stringify({ lat: 51.46 - step * 0.0002, lng: -2.58, at: at(step) }), {
                  qos: 1,
                }),
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
        const final = await waitFor(
          async () => {
            const d = (await deliveries.getDelivery(r.delivery.id)).body;
            return d.status === 'delivered' && d;
          },
          `delivery ${r.delivery.id} delivered`,
          20_000,
        );
        expect(final.version).toBe(r.delivery.version + LOCATIONS + 3);
        expect(final.history.map((h) => h.status)).toEqual(['awaiting_assignment', 'assigned', 'picked_up', 'in_transit', 'delivered']);
        const order = await waitFor(
          async () => {
            const o = await getOrderEventually(orders, r.order.id);
            return o.status === 'delivered' && o;
          },
          `order ${r.order.id} delivered`,
          20_000,
        );
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
      rows.push({
        fault: 'delivery-service SIGKILL while riders publish',
        events: reports.length,
        orders: created.length,
        lost: result.lost.length,
        regressions: result.regressions.length,
      });
      expect(result.lost).toEqual([]);
      expect(result.regressions).toEqual([]);
    } finally {
      await Promise.all([...customers, ...riders].map((s) => s.close()));
    }
  }, 120_000);
});
