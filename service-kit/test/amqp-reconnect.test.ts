import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { OrderEvent } from '@orderpulse/contracts';
import { CloserStack, createAmqpConnection, createLogger, openEventPipeline, type AmqpConnection, type OutboxStore } from '../src/index.js';
import { deleteAmqpNamespace, nextEvent, testNamespace, waitFor } from '../src/testing/index.js';

const url = process.env.AMQP_URL as string;
const logger = createLogger('amqp-reconnect-test', 'silent');

/** Drops the live connection from our side; amqp-connection-manager sees a close and reconnects. */
async function dropConnection(connection: AmqpConnection): Promise<void> {
  const current = (connection.manager as unknown as { connection?: { close(): Promise<void> } }).connection;
  if (!current) throw new Error('not connected');
  await current.close();
}

function anOrderEvent(): OrderEvent {
  return {
    id: randomUUID(),
    type: 'order.status_changed',
    orderId: randomUUID(),
    version: 2,
    occurredAt: new Date().toISOString(),
    data: { orderNumber: 'OP-ABCDEF12', from: 'pending', to: 'confirmed', trackingNumber: null, history: [] },
  };
}

/** One outbox per order, in memory. */
function aStore(): OutboxStore<OrderEvent> & { add(event: OrderEvent): void; pending(): number } {
  const byOrder = new Map<string, OrderEvent[]>();
  return {
    add: (event) => byOrder.set(event.orderId, [...(byOrder.get(event.orderId) ?? []), event]),
    pending: () => [...byOrder.values()].reduce((n, events) => n + events.length, 0),
    idsWithPendingEvents: async (limit) =>
      [...byOrder]
        .filter(([, events]) => events.length > 0)
        .slice(0, limit)
        .map(([id]) => id),
    pendingEventsOf: async (id) => byOrder.get(id) ?? [],
    removePendingEvent: async (id, eventId) =>
      void byOrder.set(
        id,
        (byOrder.get(id) ?? []).filter((e) => e.id !== eventId),
      ),
  };
}

describe('when RabbitMQ drops the connection', () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('then the first attempt to reconnect goes at once, not after the 5 s heartbeat interval', async () => {
    const connection = createAmqpConnection({ url, logger, name: 'kit-reconnect-at-once', heartbeatSeconds: 5 });
    cleanup.push(() => connection.close());
    await connection.waitUntilConnected(5_000);
    const reconnected = nextEvent(connection.manager, 'connect', 3_000);
    await dropConnection(connection);
    await reconnected;
    expect(connection.isConnected()).toBe(true);
  });

  it('then events left in the outbox while it was away are published as soon as it is back, not at the next sweep', async () => {
    const namespace = testNamespace('kit-reconnect-relay');
    const closers = new CloserStack(logger);
    cleanup.push(() => deleteAmqpNamespace(url, namespace, []));
    cleanup.push(() => closers.closeAll());
    const store = aStore();
    const { connection, relay } = await openEventPipeline<OrderEvent>({
      service: 'kit-reconnect-relay',
      amqpUrl: url,
      namespace,
      connectTimeoutMs: 5_000,
      logger,
      closers,
      store,
      countPendingEvents: async () => store.pending(),
      sweepIntervalMs: 60_000,
      aggregateIdField: 'orderId',
    });
    relay.start();
    await relay.sweep();
    const published: string[] = [];
    relay.on('published', (event) => published.push(event.id));

    const reconnected = nextEvent(connection.manager, 'connect', 3_000);
    await dropConnection(connection);
    // Written while the connection is down, its kick's publish failed: only a sweep finds it.
    const event = anOrderEvent();
    store.add(event);
    await reconnected;
    await waitFor(() => published.includes(event.id), 'the event to be published after the reconnect', 3_000);
    expect(store.pending()).toBe(0);
  });
});
