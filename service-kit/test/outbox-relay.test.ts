import { afterEach, describe, expect, it } from '@jest/globals';
import { createLogger, createOutboxMetrics, OutboxRelay, Registry } from '../src/index.js';
import { nextEvent, waitFor } from '../src/testing/index.js';
import { aggregateWithEvents, createInMemoryOutboxStore, type TestEvent } from './support/in-memory-outbox-store.js';

/** Records what it publishes; each publish takes a few event-loop turns, like a broker round trip. */
function recordingPublisher(options: { failFor?: Set<string> } = {}) {
  const published: TestEvent[] = [];
  const inFlight = new Map<string, number>();
  let maxInFlightPerAggregate = 0;
  return {
    published,
    maxInFlightPerAggregate: () => maxInFlightPerAggregate,
    failFor: options.failFor ?? new Set<string>(),
    async publish(event: TestEvent) {
      const now = (inFlight.get(event.aggregateId) ?? 0) + 1;
      inFlight.set(event.aggregateId, now);
      maxInFlightPerAggregate = Math.max(maxInFlightPerAggregate, now);
      try {
        for (let i = 0; i < 3; i += 1) await new Promise((resolve) => setImmediate(resolve));
        if (this.failFor.has(event.id)) throw new Error('broker said no');
        published.push(event);
      } finally {
        inFlight.set(event.aggregateId, now - 1);
      }
    },
  };
}

describe('outbox relay', () => {
  const relays: OutboxRelay<TestEvent>[] = [];
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
  });

  function setUp(publisher = recordingPublisher(), sweepIntervalMs = 60_000, batchSize?: number, sweepGraceMs?: number) {
    const store = createInMemoryOutboxStore();
    const registry = new Registry();
    const metrics = createOutboxMetrics(registry, async () => store.count());
    const relay = new OutboxRelay<TestEvent>({
      store,
      publisher,
      metrics,
      sweepIntervalMs,
      logger: createLogger('relay-test', 'silent'),
      ...(batchSize ? { batchSize } : {}),
      ...(sweepGraceMs !== undefined ? { sweepGraceMs } : {}),
    });
    relays.push(relay);
    const metric = async (name: string, labels: Record<string, string> = {}) => {
      const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
      return values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;
    };
    return { store, relay, publisher, metric };
  }

  it('when an aggregate has several pending events, then they are published in version order and removed', async () => {
    const { store, relay, publisher, metric } = setUp();
    const events = aggregateWithEvents(store, 3);
    expect(await metric('outbox_pending_events')).toBe(3);

    await relay.sweep();

    expect(publisher.published.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(await store.pendingEventsOf(events[0]!.aggregateId)).toEqual([]);
    expect(await metric('outbox_pending_events')).toBe(0);
    expect(await metric('outbox_events_published_total', { type: 'thing.changed' })).toBe(2);
    expect(await metric('outbox_events_published_total', { type: 'thing.created' })).toBe(1);
  });

  it('when the store returns events out of order, then they still go out by version', async () => {
    const { store, relay, publisher } = setUp();
    const [v1, v2] = aggregateWithEvents(store, 3);
    await store.removePendingEvent(v1!.aggregateId, v1!.id);
    await store.removePendingEvent(v2!.aggregateId, v2!.id);
    store.append(v2!);
    store.append(v1!);
    await relay.sweep();
    expect(publisher.published.map((e) => e.version)).toEqual([1, 2, 3]);
  });

  it('when kicks and sweeps overlap, then an aggregate never has two publishes in flight and each event goes out once', async () => {
    const { store, relay, publisher } = setUp();
    const events = aggregateWithEvents(store, 3);
    const other = aggregateWithEvents(store, 3, 1);

    for (let i = 0; i < 5; i += 1) relay.kick(events[0]!.aggregateId);
    await Promise.all([relay.sweep(), relay.sweep()]);
    await waitFor(() => store.count() === 0, 'the outbox to drain');

    expect(publisher.maxInFlightPerAggregate()).toBe(1);
    const versionsOf = (id: string) => publisher.published.filter((e) => e.aggregateId === id).map((e) => e.version);
    expect(versionsOf(events[0]!.aggregateId)).toEqual([1, 2, 3]);
    expect(versionsOf(other[0]!.aggregateId)).toEqual([1, 2, 3]);
  });

  it('when an aggregate changes while its events are being published, then the new event follows the earlier ones', async () => {
    const { store, relay, publisher } = setUp();
    const events = aggregateWithEvents(store, 3);
    const aggregateId = events[0]!.aggregateId;
    relay.kick(aggregateId);
    store.append({ ...events[2]!, id: 'fourth', version: 4 });
    relay.kick(aggregateId);

    await waitFor(() => publisher.published.length === 4, 'four events published');
    expect(publisher.published.map((e) => e.version)).toEqual([1, 2, 3, 4]);
  });

  it('when a publish fails, then that event and the later ones stay pending until a later sweep succeeds', async () => {
    const { store, relay, publisher, metric } = setUp();
    const events = aggregateWithEvents(store, 3);
    publisher.failFor.add(events[1]!.id);
    const failed = nextEvent<[TestEvent, Error]>(relay, 'publish-failed');

    await relay.sweep();

    const [failedEvent, error] = await failed;
    expect(failedEvent.id).toBe(events[1]!.id);
    expect(error.message).toBe('broker said no');
    expect(publisher.published.map((e) => e.version)).toEqual([1]);
    expect((await store.pendingEventsOf(events[0]!.aggregateId)).map((e) => e.version)).toEqual([2, 3]);
    expect(await metric('outbox_publish_failures_total', { type: 'thing.changed' })).toBe(1);

    publisher.failFor.clear();
    await relay.sweep();
    expect(publisher.published.map((e) => e.version)).toEqual([1, 2, 3]);
    expect(store.count()).toBe(0);
  });

  it('when more aggregates are pending than one batch holds, then one sweep publishes them all', async () => {
    const { store, relay, publisher } = setUp(recordingPublisher(), 60_000, 2);
    for (let i = 0; i < 5; i += 1) aggregateWithEvents(store, 1, i);
    const published = new Set<string>();
    relay.on('published', (event) => published.add(event.id));
    await relay.sweep();
    expect(publisher.published).toHaveLength(5);
    expect(published.size).toBe(5);
  });

  it('when started, then it publishes what was already pending and then sweeps periodically', async () => {
    const { store, relay, publisher } = setUp(recordingPublisher(), 20);
    const before = aggregateWithEvents(store, 3);
    relay.start();
    await waitFor(() => publisher.published.length === 3, 'the start-up sweep');

    // Written behind the relay's back (no kick): only the periodic sweep can find it.
    const after = aggregateWithEvents(store, 3, 1);
    await waitFor(() => publisher.published.length === 6, 'a periodic sweep');
    expect(publisher.published.map((e) => e.id)).toEqual([...before, ...after].map((e) => e.id));
  });

  it('when stopped, then kicks and sweeps publish nothing and pending events stay for the next relay', async () => {
    const { store, relay, publisher } = setUp();
    await relay.stop();
    const events = aggregateWithEvents(store, 3);
    relay.kick(events[0]!.aggregateId);
    await relay.sweep();
    expect(publisher.published).toEqual([]);
    expect(store.count()).toBe(3);
  });

  it('when the store offers exclusive drains (shared by several processes), then every publish happens inside one', async () => {
    const { store, relay, publisher } = setUp();
    const events = aggregateWithEvents(store, 2);
    const inside = new Set<string>();
    const drains: string[] = [];
    const publishedInside: boolean[] = [];
    store.exclusiveDrain = async <T>(aggregateId: string, drain: () => Promise<T>): Promise<T> => {
      drains.push(aggregateId);
      inside.add(aggregateId);
      try {
        return await drain();
      } finally {
        inside.delete(aggregateId);
      }
    };
    relay.on('published', (event) => publishedInside.push(inside.has(event.aggregateId)));
    await relay.sweep();
    expect(publisher.published.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(drains).toEqual([events[0]!.aggregateId]);
    expect(publishedInside).toEqual([true, true]);
  });

  describe('with a sweep grace (several instances share one outbox)', () => {
    /** An aggregate whose events were written `agesMs` ago (v1 oldest). */
    function aggregateWrittenAgo(store: ReturnType<typeof setUp>['store'], agesMs: number[]) {
      const events = aggregateWithEvents(store, agesMs.length);
      const now = Date.now();
      events.forEach((e, i) => {
        void store.removePendingEvent(e.aggregateId, e.id);
        e.occurredAt = new Date(now - agesMs[i]!).toISOString();
        store.append(e);
      });
      return events;
    }

    it('when a sweep finds events written moments ago, then it leaves them (their writer is publishing them) and publishes the older ones', async () => {
      const { store, relay, publisher } = setUp(recordingPublisher(), 60_000, undefined, 1_000);
      const old = aggregateWrittenAgo(store, [5_000, 4_000]);
      const fresh = aggregateWrittenAgo(store, [100]);
      await relay.sweep();
      expect(publisher.published.map((e) => e.id)).toEqual(old.map((e) => e.id));
      expect(await store.pendingEventsOf(fresh[0]!.aggregateId)).toHaveLength(1);
    });

    it('when an aggregate has an old event followed by a fresh one, then the sweep stops before the fresh one and a kick publishes it', async () => {
      const { store, relay, publisher } = setUp(recordingPublisher(), 60_000, undefined, 1_000);
      const [v1, v2] = aggregateWrittenAgo(store, [5_000, 50]);
      await relay.sweep();
      expect(publisher.published.map((e) => e.version)).toEqual([1]);
      relay.kick(v1!.aggregateId);
      await waitFor(() => publisher.published.length === 2, 'the kick to publish the fresh event');
      expect(publisher.published.map((e) => e.id)).toEqual([v1!.id, v2!.id]);
    });

    it('when an event is dated in the future beyond the grace (a clock far off), then the sweep publishes it rather than wait for ever', async () => {
      const { store, relay, publisher } = setUp(recordingPublisher(), 60_000, undefined, 1_000);
      aggregateWrittenAgo(store, [-60_000]);
      await relay.sweep();
      expect(publisher.published).toHaveLength(1);
    });

    it('when a kick comes while a sweep is draining the aggregate, then the fresh event still goes out in that drain', async () => {
      const { store, relay, publisher } = setUp(recordingPublisher(), 60_000, undefined, 1_000);
      const [v1] = aggregateWrittenAgo(store, [5_000]);
      const sweeping = relay.sweep();
      store.append({ ...v1!, id: 'fresh', version: 2, occurredAt: new Date().toISOString() });
      relay.kick(v1!.aggregateId);
      await sweeping;
      await waitFor(() => publisher.published.length === 2, 'the fresh event');
      expect(publisher.published.map((e) => e.version)).toEqual([1, 2]);
    });
  });
});
