import { randomUUID } from 'node:crypto';
import type { OutboxStore } from '../../src/index.js';

export interface TestEvent {
  id: string;
  type: string;
  aggregateId: string;
  version: number;
  occurredAt: string;
}

export interface InMemoryOutboxStore extends OutboxStore<TestEvent> {
  /** Appends an event to the aggregate's outbox, as a service's atomic write would. */
  append(event: TestEvent): void;
  count(): number;
}

/** The relay's store contract in its simplest form: one list of pending events per aggregate. */
export function createInMemoryOutboxStore(): InMemoryOutboxStore {
  const pending = new Map<string, TestEvent[]>();
  const oldest = (events: TestEvent[]) => events.reduce((min, e) => (e.occurredAt < min ? e.occurredAt : min), '\uffff');
  return {
    append(event) {
      pending.set(event.aggregateId, [...(pending.get(event.aggregateId) ?? []), structuredClone(event)]);
    },
    count: () => [...pending.values()].reduce((sum, events) => sum + events.length, 0),
    async idsWithPendingEvents(limit) {
      return [...pending.entries()]
        .filter(([, events]) => events.length > 0)
        .sort(([a, x], [b, y]) => oldest(x).localeCompare(oldest(y)) || a.localeCompare(b))
        .slice(0, limit)
        .map(([id]) => id);
    },
    async pendingEventsOf(aggregateId) {
      return structuredClone(pending.get(aggregateId) ?? []);
    },
    async removePendingEvent(aggregateId, eventId) {
      const events = pending.get(aggregateId);
      if (events)
        pending.set(
          aggregateId,
          events.filter((e) => e.id !== eventId),
        );
    },
  };
}

/** Appends `count` events (versions 1..count) for a new aggregate; returns them. */
export function aggregateWithEvents(store: InMemoryOutboxStore, count = 3, minute = 0): TestEvent[] {
  const aggregateId = randomUUID();
  const events = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    type: i === 0 ? 'thing.created' : 'thing.changed',
    aggregateId,
    version: i + 1,
    occurredAt: new Date(Date.UTC(2026, 10, 26, 10, minute, i)).toISOString(),
  }));
  for (const event of events) store.append(event);
  return events;
}
