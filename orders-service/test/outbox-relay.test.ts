import { afterEach, describe, expect, it } from '@jest/globals';
import type { OrderEvent, OrderSnapshot } from '@orderpulse/contracts';
import { createLogger, Registry } from '@orderpulse/service-kit';
import { nextEvent, waitFor } from '@orderpulse/service-kit/testing';
import { createInMemoryOrderRepository } from '../src/data-access/in-memory-order-repository.js';
import type { OrderRepository } from '../src/data-access/order-repository.js';
import { createOutboxMetrics } from '../src/messaging/outbox-metrics.js';
import { OutboxRelay } from '../src/messaging/outbox-relay.js';
import { anOrder, at, changedTo, createdEventOf } from './support/order-factories.js';

/** Records what it publishes; each publish takes a few event-loop turns, like a broker round trip. */
function recordingPublisher(options: { failFor?: Set<string> } = {}) {
  const published: OrderEvent[] = [];
  const inFlight = new Map<string, number>();
  let maxInFlightPerOrder = 0;
  return {
    published,
    maxInFlightPerOrder: () => maxInFlightPerOrder,
    failFor: options.failFor ?? new Set<string>(),
    async publish(event: OrderEvent) {
      const now = (inFlight.get(event.orderId) ?? 0) + 1;
      inFlight.set(event.orderId, now);
      maxInFlightPerOrder = Math.max(maxInFlightPerOrder, now);
      try {
        for (let i = 0; i < 3; i += 1) await new Promise((resolve) => setImmediate(resolve));
        if (this.failFor.has(event.id)) throw new Error('broker said no');
        published.push(event);
      } finally {
        inFlight.set(event.orderId, now - 1);
      }
    },
  };
}

/** An order with three pending events: created (v1), confirmed (v2), processing (v3). */
async function orderWithThreeEvents(repository: OrderRepository): Promise<{ order: OrderSnapshot; events: OrderEvent[] }> {
  const order = anOrder();
  const created = createdEventOf(order);
  await repository.insert(order, created);
  const confirmed = changedTo(order, 'confirmed', at(1));
  await repository.update(confirmed.next, 1, confirmed.event);
  const processing = changedTo(confirmed.next, 'processing', at(2));
  await repository.update(processing.next, 2, processing.event);
  return { order: processing.next, events: [created, confirmed.event, processing.event] };
}

describe('outbox relay', () => {
  const relays: OutboxRelay[] = [];
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
  });

  function setUp(publisher = recordingPublisher(), sweepIntervalMs = 60_000) {
    const repository = createInMemoryOrderRepository();
    const registry = new Registry();
    const metrics = createOutboxMetrics(registry, repository);
    const relay = new OutboxRelay({ repository, publisher, metrics, sweepIntervalMs, logger: createLogger('relay-test', 'silent') });
    relays.push(relay);
    const metric = async (name: string, labels: Record<string, string> = {}) => {
      const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
      return values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;
    };
    return { repository, relay, publisher, metric };
  }

  it('when an order has several pending events, then they are published in version order and removed', async () => {
    const { repository, relay, publisher, metric } = setUp();
    const { order, events } = await orderWithThreeEvents(repository);
    expect(await metric('outbox_pending_events')).toBe(3);

    await relay.sweep();

    expect(publisher.published.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect((await repository.findById(order.id))?.pendingEvents).toEqual([]);
    expect(await metric('outbox_pending_events')).toBe(0);
    expect(await metric('outbox_events_published_total', { type: 'order.status_changed' })).toBe(2);
    expect(await metric('outbox_events_published_total', { type: 'order.created' })).toBe(1);
  });

  it('when kicks and sweeps overlap, then an order never has two publishes in flight and each event goes out once', async () => {
    const { repository, relay, publisher } = setUp();
    const { events } = await orderWithThreeEvents(repository);
    const other = await orderWithThreeEvents(repository);

    for (let i = 0; i < 5; i += 1) relay.kick(events[0]!.orderId);
    await Promise.all([relay.sweep(), relay.sweep()]);
    await waitFor(async () => (await repository.countPendingEvents()) === 0, 'the outbox to drain');

    expect(publisher.maxInFlightPerOrder()).toBe(1);
    const versionsOf = (orderId: string) => publisher.published.filter((e) => e.orderId === orderId).map((e) => e.version);
    expect(versionsOf(events[0]!.orderId)).toEqual([1, 2, 3]);
    expect(versionsOf(other.order.id)).toEqual([1, 2, 3]);
  });

  it('when an order changes while its events are being published, then the new event follows the earlier ones', async () => {
    const { repository, relay, publisher } = setUp();
    const { order } = await orderWithThreeEvents(repository);
    relay.kick(order.id);
    const shipped = changedTo(order, 'shipped', at(3));
    await repository.update(shipped.next, 3, shipped.event);
    relay.kick(order.id);

    await waitFor(() => publisher.published.length === 4, 'four events published');
    expect(publisher.published.map((e) => e.version)).toEqual([1, 2, 3, 4]);
  });

  it('when a publish fails, then that event and the later ones stay pending until a later sweep succeeds', async () => {
    const { repository, relay, publisher, metric } = setUp();
    const { order, events } = await orderWithThreeEvents(repository);
    publisher.failFor.add(events[1]!.id);
    const failed = nextEvent<[OrderEvent, Error]>(relay, 'publish-failed');

    await relay.sweep();

    const [failedEvent, error] = await failed;
    expect(failedEvent.id).toBe(events[1]!.id);
    expect(error.message).toBe('broker said no');
    expect(publisher.published.map((e) => e.version)).toEqual([1]);
    expect((await repository.findById(order.id))?.pendingEvents.map((e) => e.version)).toEqual([2, 3]);
    expect(await metric('outbox_publish_failures_total', { type: 'order.status_changed' })).toBe(1);

    publisher.failFor.clear();
    await relay.sweep();
    expect(publisher.published.map((e) => e.version)).toEqual([1, 2, 3]);
    expect(await repository.countPendingEvents()).toBe(0);
  });

  it('when started, then it publishes what was already pending and then sweeps periodically', async () => {
    const { repository, relay, publisher } = setUp(recordingPublisher(), 20);
    const before = await orderWithThreeEvents(repository);
    relay.start();
    await waitFor(() => publisher.published.length === 3, 'the start-up sweep');

    // Written behind the relay's back (no kick): only the periodic sweep can find it.
    const after = await orderWithThreeEvents(repository);
    await waitFor(() => publisher.published.length === 6, 'a periodic sweep');
    expect(publisher.published.map((e) => e.orderId)).toEqual([...before.events, ...after.events].map((e) => e.orderId));
  });

  it('when stopped, then kicks and sweeps publish nothing and pending events stay for the next relay', async () => {
    const { repository, relay, publisher } = setUp();
    await relay.stop();
    const { order } = await orderWithThreeEvents(repository);
    relay.kick(order.id);
    await relay.sweep();
    expect(publisher.published).toEqual([]);
    expect(await repository.countPendingEvents()).toBe(3);
  });
});
