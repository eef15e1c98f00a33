import { randomUUID } from 'node:crypto';
import { Socket } from 'node:net';
import { afterEach, describe, it, expect, jest } from '@jest/globals';
import * as amqplib from 'amqplib';
import { orderEventSchema, type OrderEvent } from '@orderpulse/contracts';
import { createAmqpConnection, createEventConsumer, createEventPublisher, namespaced, type AmqpConnection, type Logger } from '../src/index.js';
import { captureLogger, deleteAmqpNamespace, testNamespace, waitFor } from '../src/testing/index.js';

const url = process.env.AMQP_URL as string;
const QUEUE = 'coalescing-test';

function aStatusEvent(version: number): OrderEvent {
  return {
    id: randomUUID(),
    type: 'order.status_changed',
    orderId: randomUUID(),
    version,
    occurredAt: new Date().toISOString(),
    data: { orderNumber: 'OP-ABCDEF12', from: 'pending', to: 'confirmed', trackingNumber: null, history: [] },
  };
}

/** The socket under a connected AmqpConnection (amqplib's), with a count of the system-call writes made on it. */
function countWrites(connection: AmqpConnection): { writes: () => number; frames: () => number; reset: () => void } {
  const socket = (connection.manager.connection as unknown as { connection: { stream: Socket } }).connection.stream;
  let writes = 0;
  let frames = 0;
  const internals = socket as unknown as Record<'_write' | '_writev', (...args: unknown[]) => unknown>;
  const write = internals._write.bind(socket);
  const writev = internals._writev.bind(socket);
  internals._write = (...args) => {
    writes += 1;
    frames += 1;
    return write(...args);
  };
  internals._writev = (...args) => {
    writes += 1;
    frames += (args[0] as unknown[]).length;
    return writev(...args);
  };
  return { writes: () => writes, frames: () => frames, reset: () => (writes = frames = 0) };
}

interface Gate {
  wait: Promise<void>;
  open: () => void;
}
function aGate(): Gate {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

describe('AMQP frames leave together against a real RabbitMQ', () => {
  const namespace = testNamespace('coalesce');
  const closers: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await deleteAmqpNamespace(url, namespace, [QUEUE]);
  });

  async function connect(name: string): Promise<AmqpConnection> {
    const connection = createAmqpConnection({ url, logger: captureLogger('silent').logger, name });
    await connection.waitUntilConnected(5_000);
    closers.push(() => connection.close());
    return connection;
  }

  it("when a connection opens, then Nagle's algorithm is off on its socket (acks, publishes and confirms are small awaited writes)", async () => {
    const noDelay = jest.spyOn(Socket.prototype, 'setNoDelay');
    try {
      const connection = await connect('no-delay');
      const socket = (connection.manager.connection as unknown as { connection: { stream: Socket } }).connection.stream;
      const calls = noDelay.mock.contexts.flatMap((context, i) => (context === socket ? [noDelay.mock.calls[i]![0]] : []));
      expect(calls.at(-1)).toBe(true);
    } finally {
      noDelay.mockRestore();
    }
  });

  /** A consumer of the test queue on its own connection, fed by a publisher on another; 'acked' events are listed. */
  async function consumerOf(name: string, options: { prefetch: number; retryDelayMs?: number; logger?: Logger; handle: (event: OrderEvent) => Promise<void> }) {
    const connection = await connect(name);
    const consumer = createEventConsumer({
      connection,
      namespace,
      queue: QUEUE,
      bindings: [{ exchange: 'orders', pattern: 'order.*' }],
      schema: orderEventSchema,
      logger: options.logger ?? captureLogger('silent').logger,
      prefetch: options.prefetch,
      ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
      handle: options.handle,
    });
    await consumer.start();
    closers.push(() => consumer.stop());
    const acked: string[] = [];
    consumer.on('acked', (event) => acked.push(event.id));
    const publisher = createEventPublisher({ connection: await connect(`${name}-feed`), namespace, logger: captureLogger('silent').logger });
    closers.push(() => publisher.close());
    const publishAll = (events: OrderEvent[]) => Promise.all(events.map((e) => publisher.publish(e)));
    return { connection, consumer, acked, publishAll };
  }

  /** Messages left in the test queue once nothing consumes it (an unacked one goes back to it). */
  async function messagesLeft(): Promise<number> {
    const raw = await amqplib.connect(url);
    closers.push(() => raw.close());
    const channel = await raw.createChannel();
    return (await channel.checkQueue(namespaced(namespace, QUEUE))).messageCount;
  }

  it('when 20 events are published in one turn, then they reach RabbitMQ in one socket write and all are confirmed', async () => {
    const connection = await connect('coalesce-publisher');
    const publisher = createEventPublisher({ connection, namespace, logger: captureLogger('silent').logger });
    closers.push(() => publisher.close());
    await publisher.publish(aStatusEvent(2)); // the channel is open and the exchanges declared
    const counter = countWrites(connection);

    await Promise.all(Array.from({ length: 20 }, (_, i) => publisher.publish(aStatusEvent(i + 2))));

    expect(counter.frames()).toBe(20);
    expect(counter.writes()).toBe(1);
  });

  it('when 20 handlers finish in one turn, then one ack frame (multiple) settles them all, and nothing is redelivered', async () => {
    const gate = aGate();
    const started: string[] = [];
    const { connection, consumer, acked, publishAll } = await consumerOf('coalesce-consumer', {
      prefetch: 32,
      handle: async (event) => {
        started.push(event.id);
        await gate.wait;
      },
    });
    const events = Array.from({ length: 20 }, (_, i) => aStatusEvent(i + 2));
    await publishAll(events);
    await waitFor(() => started.length === 20, 'all 20 handlers running');
    const counter = countWrites(connection);

    gate.open();
    await waitFor(() => acked.length === 20, 'all 20 acked');

    expect(counter.writes()).toBe(1);
    expect(counter.frames()).toBe(1);
    expect(new Set(acked)).toEqual(new Set(events.map((e) => e.id)));
    // Nothing left unacked: after the consumer stops, RabbitMQ has no message to give back.
    await consumer.stop();
    expect(await messagesLeft()).toBe(0);
  });

  it('when handlers finish out of delivery order and some fail once, then every message is acked exactly once', async () => {
    const gates = new Map<string, Gate>();
    const attempts = new Map<string, number>();
    const failOnce = new Set<string>();
    const log = captureLogger('warn');
    const { consumer, acked, publishAll } = await consumerOf('coalesce-out-of-order', {
      prefetch: 40,
      retryDelayMs: 5,
      logger: log.logger,
      handle: async (event) => {
        const attempt = (attempts.get(event.id) ?? 0) + 1;
        attempts.set(event.id, attempt);
        if (attempt > 1) return;
        const gate = aGate();
        gates.set(event.id, gate);
        await gate.wait;
        if (failOnce.has(event.id)) throw new Error('dependency down');
      },
    });
    const events = Array.from({ length: 40 }, (_, i) => aStatusEvent(i + 2));
    for (const [i, e] of events.entries()) if (i % 7 === 3) failOnce.add(e.id);
    await publishAll(events);
    await waitFor(() => gates.size === 40, 'all 40 handlers running');

    // Release in an order unlike delivery order, a few at a time, each batch in its own turn.
    const order = events.map((e, i) => ({ id: e.id, key: (i * 17) % 40 })).sort((a, b) => a.key - b.key);
    for (let i = 0; i < order.length; i += 3) {
      for (const { id } of order.slice(i, i + 3)) gates.get(id)!.open();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(() => acked.length >= 40, 'all 40 acked');
    await consumer.stop();

    expect(acked.slice().sort()).toEqual(events.map((e) => e.id).sort());
    for (const e of events) expect(attempts.get(e.id)).toBe(failOnce.has(e.id) ? 2 : 1);
    // A double or unknown ack would close the channel (PRECONDITION_FAILED) and be logged.
    expect(log.lines.filter((l) => /channel error|unknown delivery tag/i.test(String(l.msg) + String(l.err)))).toEqual([]);
    expect(await messagesLeft()).toBe(0);
  });
});
