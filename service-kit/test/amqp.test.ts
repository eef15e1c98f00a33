import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import * as amqplib from 'amqplib';
import { orderEventSchema, statusChangedKey, type OrderEvent } from '@orderpulse/contracts';
import {
  createAmqpConnection,
  createEventConsumer,
  createEventPublisher,
  createLogger,
  DEAD_LETTER_EXCHANGE,
  DomainError,
  eventPublishOptions,
  namespaced,
  RetryLaterError,
  UnprocessableMessageError,
  type AmqpConnection,
} from '../src/index.js';
import { deleteAmqpNamespace, nextEvent, testNamespace, waitFor } from '../src/testing/index.js';

const url = process.env.AMQP_URL as string;
const logger = createLogger('amqp-test', 'silent');
/** The test handler refuses events at this version as unprocessable. */
const UNPROCESSABLE_VERSION = 99;
/** The test handler refuses events at these versions with a domain error of that kind. */
const CONFLICT_VERSION = 98;
const NOT_FOUND_VERSION = 97;
/** The test handler refuses events at this version once with a RetryLaterError of RETRY_AFTER_MS. */
const RETRY_LATER_VERSION = 96;
const RETRY_AFTER_MS = 1_200;

function aStatusEvent(orderId: string, version: number): OrderEvent {
  return {
    id: randomUUID(),
    type: 'order.status_changed',
    orderId,
    version,
    occurredAt: new Date().toISOString(),
    data: { orderNumber: 'OP-ABCDEF12', from: 'pending', to: 'confirmed', trackingNumber: null, history: [] },
  };
}

describe('AMQP publisher and consumer against a real RabbitMQ', () => {
  const namespace = testNamespace('kit');
  let connection: AmqpConnection;
  let raw: amqplib.ChannelModel;
  let rawChannel: amqplib.Channel;
  const handled: OrderEvent[] = [];
  let failNext = 0;
  const retriedLater = new Map<string, number>();
  const consumer = () =>
    createEventConsumer({
      connection,
      namespace,
      queue: 'kit-test',
      bindings: [{ exchange: 'orders', pattern: 'order.*' }],
      schema: orderEventSchema,
      logger,
      retryDelayMs: 10,
      handle: async (event) => {
        if (event.version === UNPROCESSABLE_VERSION) throw new UnprocessableMessageError(`order ${event.orderId} can never be applied`);
        if (event.version === CONFLICT_VERSION) throw new DomainError('conflict', `order ${event.orderId} is cancelled`);
        if (event.version === NOT_FOUND_VERSION) throw new DomainError('not_found', `order ${event.orderId} not found`);
        if (event.version === RETRY_LATER_VERSION && !retriedLater.has(event.id)) {
          retriedLater.set(event.id, performance.now());
          throw new RetryLaterError('the dependency asked for a pause', RETRY_AFTER_MS);
        }
        if (failNext > 0) {
          failNext -= 1;
          throw new Error('dependency down');
        }
        handled.push(event);
      },
    });
  let running: ReturnType<typeof consumer>;

  beforeAll(async () => {
    connection = createAmqpConnection({ url, logger, name: 'kit-test' });
    await connection.waitUntilConnected(5_000);
    running = consumer();
    await running.start();
    raw = await amqplib.connect(url);
    rawChannel = await raw.createChannel();
  });
  afterAll(async () => {
    await running.stop();
    await connection.close();
    await raw.close();
    await deleteAmqpNamespace(url, namespace, ['kit-test']);
  });

  it('when an event is published, then the consumer receives and acks it', async () => {
    const publisher = createEventPublisher({ connection, namespace, logger });
    const event = aStatusEvent(randomUUID(), 2);
    const acked = nextEvent<[OrderEvent]>(running, 'acked', 5_000, (e) => e.id === event.id);
    await publisher.publish(event);
    const [received] = await acked;
    expect(received).toEqual(event);
    await publisher.close();
  });

  it('when a status change is published, then it also goes under its status-qualified key: a queue bound to that key gets only that status, order.* still one copy, and no BCC header', async () => {
    const exchange = namespaced(namespace, 'orders');
    const only = async (pattern: string) => {
      const { queue } = await rawChannel.assertQueue('', { exclusive: true, autoDelete: true });
      await rawChannel.bindQueue(queue, exchange, pattern);
      const got: amqplib.ConsumeMessage[] = [];
      await rawChannel.consume(queue, (msg) => msg && got.push(msg), { noAck: true });
      return got;
    };
    const shippedOnly = await only(statusChangedKey.order('shipped'));
    const everyOrderEvent = await only('order.*');
    const publisher = createEventPublisher({ connection, namespace, logger });
    const orderId = randomUUID();
    const confirmed = aStatusEvent(orderId, 2);
    const shipped = { ...aStatusEvent(orderId, 3), data: { ...confirmed.data, from: 'processing' as const, to: 'shipped' as const } };
    await publisher.publish(confirmed);
    await publisher.publish(shipped);
    await publisher.close();

    const ids = (got: amqplib.ConsumeMessage[]) => got.map((m) => m.properties.messageId as string);
    await waitFor(() => everyOrderEvent.length >= 2 && shippedOnly.length >= 1, 'both probe queues to get their events');
    // The second publish was confirmed after the first: anything routed to `shippedOnly` is there by now.
    expect(ids(shippedOnly)).toEqual([shipped.id]);
    expect(ids(everyOrderEvent)).toEqual([confirmed.id, shipped.id]);
    expect(shippedOnly[0]!.fields.routingKey).toBe('order.status_changed');
    expect(shippedOnly[0]!.properties.headers?.BCC).toBeUndefined();
    expect(eventPublishOptions(aStatusEvent(orderId, 4)).headers).toEqual({ BCC: ['order.status_changed.confirmed'] });
  });

  it('when a queue had a binding an earlier release used (retiredBindings), then starting the consumer removes it', async () => {
    const queue = 'kit-retired';
    const exchange = namespaced(namespace, 'orders');
    await rawChannel.assertExchange(exchange, 'topic', { durable: true });
    await rawChannel.assertQueue(namespaced(namespace, queue), {
      durable: true,
      arguments: { 'x-dead-letter-exchange': namespaced(namespace, DEAD_LETTER_EXCHANGE), 'x-dead-letter-routing-key': namespaced(namespace, queue) },
    });
    await rawChannel.bindQueue(namespaced(namespace, queue), exchange, 'order.status_changed');
    const seen: OrderEvent[] = [];
    const narrowed = createEventConsumer({
      connection,
      namespace,
      queue,
      bindings: [{ exchange: 'orders', pattern: statusChangedKey.order('shipped') }],
      retiredBindings: [
        { exchange: 'orders', pattern: 'order.status_changed' },
        { exchange: 'orders', pattern: 'order.never_bound' },
      ],
      schema: orderEventSchema,
      logger,
      handle: async (event) => void seen.push(event),
    });
    await narrowed.start();
    try {
      const publisher = createEventPublisher({ connection, namespace, logger });
      const orderId = randomUUID();
      const confirmed = aStatusEvent(orderId, 2);
      const shipped = { ...aStatusEvent(orderId, 3), data: { ...confirmed.data, from: 'processing' as const, to: 'shipped' as const } };
      const acked = nextEvent<[OrderEvent]>(narrowed, 'acked', 5_000, (e) => e.id === shipped.id);
      await publisher.publish(confirmed);
      await publisher.publish(shipped);
      await acked;
      await publisher.close();
      expect(seen.map((e) => e.id)).toEqual([shipped.id]);
    } finally {
      await narrowed.stop();
      await rawChannel.deleteQueue(namespaced(namespace, queue));
      await rawChannel.deleteQueue(namespaced(namespace, `${queue}.dlq`));
    }
  });

  it('when an event is invalid, then the publisher refuses it before it reaches RabbitMQ', async () => {
    const publisher = createEventPublisher({ connection, namespace, logger });
    await expect(publisher.publish({ ...aStatusEvent(randomUUID(), 2), version: 0 })).rejects.toThrow(/version/);
    await publisher.close();
  });

  it('when a message is not JSON or fails the schema, then it is dead-lettered and the next good one is consumed', async () => {
    const exchange = namespaced(namespace, 'orders');
    const deadLettered = new Promise<string[]>((resolve) => {
      const reasons: string[] = [];
      running.on('dead-lettered', (reason) => {
        reasons.push(reason);
        if (reasons.length === 2) resolve(reasons);
      });
    });
    rawChannel.publish(exchange, 'order.status_changed', Buffer.from('{not json'));
    rawChannel.publish(exchange, 'order.status_changed', Buffer.from(JSON.stringify({ ...aStatusEvent(randomUUID(), 3), orderId: 'x' })));
    const good = aStatusEvent(randomUUID(), 3);
    const acked = nextEvent<[OrderEvent]>(running, 'acked', 5_000, (e) => e.id === good.id);
    rawChannel.publish(exchange, 'order.status_changed', Buffer.from(JSON.stringify(good)));

    const reasons = await deadLettered;
    expect(reasons[0]).toMatch(/not JSON/);
    expect(reasons[1]).toMatch(/orderId/);
    await acked;
    const dlq = namespaced(namespace, 'kit-test.dlq');
    const count = await waitFor(async () => {
      const q = await rawChannel.checkQueue(dlq);
      return q.messageCount === 2 && q.messageCount;
    }, 'two messages in the dead-letter queue');
    expect(count).toBe(2);
  });

  it('when the handler fails, then the message is requeued and handled on redelivery', async () => {
    const publisher = createEventPublisher({ connection, namespace, logger });
    const event = aStatusEvent(randomUUID(), 5);
    failNext = 1;
    const requeued = nextEvent(running, 'requeued', 5_000);
    const acked = nextEvent<[OrderEvent]>(running, 'acked', 5_000, (e) => e.id === event.id);
    await publisher.publish(event);
    await requeued;
    await acked;
    expect(handled.filter((e) => e.id === event.id)).toHaveLength(1);
    await publisher.close();
  });

  it('when the handler says when to retry (RetryLaterError), then the message is requeued after that long, not after the usual delay', async () => {
    const publisher = createEventPublisher({ connection, namespace, logger });
    const event = aStatusEvent(randomUUID(), RETRY_LATER_VERSION);
    const requeued = nextEvent<[OrderEvent]>(running, 'requeued', 5_000, (e) => e.id === event.id);
    const acked = nextEvent<[OrderEvent]>(running, 'acked', 5_000, (e) => e.id === event.id);
    await publisher.publish(event);
    await requeued;
    const requeuedAfterMs = performance.now() - retriedLater.get(event.id)!;
    await acked;
    // The consumer's usual delay is 10 ms; the handler asked for 1,200 (timer slack allowed).
    expect(requeuedAfterMs).toBeGreaterThanOrEqual(RETRY_AFTER_MS - 20);
    expect(handled.filter((e) => e.id === event.id)).toHaveLength(1);
    await publisher.close();
  });

  it('when the handler says a message is unprocessable, then it is dead-lettered with that reason, not redelivered', async () => {
    const publisher = createEventPublisher({ connection, namespace, logger });
    const event = aStatusEvent(randomUUID(), UNPROCESSABLE_VERSION);
    const dlq = namespaced(namespace, 'kit-test.dlq');
    const before = (await rawChannel.checkQueue(dlq)).messageCount;
    const deadLettered = nextEvent<[string, string]>(running, 'dead-lettered', 5_000, (_reason, raw) => raw.includes(event.id));
    let requeues = 0;
    const countRequeues = (e: OrderEvent) => void (e.id === event.id && (requeues += 1));
    running.on('requeued', countRequeues);

    await publisher.publish(event);

    const [reason] = await deadLettered;
    expect(reason).toBe(`unprocessable: order ${event.orderId} can never be applied`);
    await waitFor(async () => (await rawChannel.checkQueue(dlq)).messageCount === before + 1, 'the message in the dead-letter queue');
    expect(requeues).toBe(0);
    running.off('requeued', countRequeues);
    await publisher.close();
  });

  it('when the handler refuses a message as a conflict (a stale event), then it is acked without being applied, neither requeued nor dead-lettered', async () => {
    const publisher = createEventPublisher({ connection, namespace, logger });
    const event = aStatusEvent(randomUUID(), CONFLICT_VERSION);
    const settled: string[] = [];
    const onRequeued = (e: OrderEvent) => void (e.id === event.id && settled.push('requeued'));
    const onDeadLettered = (_reason: string, raw: string) => void (raw.includes(event.id) && settled.push('dead-lettered'));
    running.on('requeued', onRequeued).on('dead-lettered', onDeadLettered);
    const acked = nextEvent<[OrderEvent]>(running, 'acked', 5_000, (e) => e.id === event.id);

    await publisher.publish(event);

    await acked;
    expect(settled).toEqual([]);
    expect(handled.some((e) => e.id === event.id)).toBe(false);
    running.off('requeued', onRequeued).off('dead-lettered', onDeadLettered);
    await publisher.close();
  });

  it('when the handler refuses a message as not found, then it is dead-lettered with the kind and the reason', async () => {
    const publisher = createEventPublisher({ connection, namespace, logger });
    const event = aStatusEvent(randomUUID(), NOT_FOUND_VERSION);
    const deadLettered = nextEvent<[string, string]>(running, 'dead-lettered', 5_000, (_reason, raw) => raw.includes(event.id));
    await publisher.publish(event);
    const [reason] = await deadLettered;
    expect(reason).toBe(`not_found: order ${event.orderId} not found`);
    await publisher.close();
  });
});

describe('AMQP consumer across a reconnect', () => {
  const namespace = testNamespace('kit-reconnect');
  let connection: AmqpConnection;

  afterAll(async () => {
    await connection?.close();
    await deleteAmqpNamespace(url, namespace, ['kit-reconnect']);
  });

  it('when the connection is replaced mid-stream, then every message is still acked (none stuck on the new channel)', async () => {
    connection = createAmqpConnection({ url, logger, name: 'kit-reconnect', backoff: { initialMs: 20, maxMs: 200 } });
    await connection.waitUntilConnected(5_000);
    const acked = new Set<string>();
    const consumer = createEventConsumer({
      connection,
      namespace,
      queue: 'kit-reconnect',
      bindings: [{ exchange: 'orders', pattern: 'order.*' }],
      schema: orderEventSchema,
      logger,
      prefetch: 8,
      retryDelayMs: 10,
      handle: () => new Promise((resolve) => setImmediate(resolve)),
    });
    consumer.on('acked', (event) => acked.add(event.id));
    await consumer.start();
    const publisher = createEventPublisher({ connection, namespace, logger });
    const events = Array.from({ length: 200 }, (_, i) => aStatusEvent(randomUUID(), i + 2));
    const halfway = waitFor(() => acked.size >= 50, 'the first 50 acks');
    const publishing = (async () => {
      for (const event of events) await publisher.publish(event).catch(() => publisher.publish(event));
    })();
    await halfway;
    connection.manager.reconnect();
    await publishing;
    await waitFor(() => events.every((e) => acked.has(e.id)), 'every event to be acked after the reconnect', 20_000);
    expect(events.filter((e) => !acked.has(e.id))).toEqual([]);
    await publisher.close();
    await consumer.stop();
  }, 40_000);
});
