import { BoundedLru } from './bounded-lru.js';

export type Verdict = { publish: true } | { publish: false; reason: 'duplicate' | 'stale'; publishedVersion?: number };

/** One event of one aggregate: an order (keyed by orderId) or a delivery (keyed by deliveryId). */
export interface EventKey {
  id: string;
  aggregateId: string;
  version: number;
}

/**
 * Remembers which events were published: a bounded LRU of event ids and, per aggregate, the
 * highest version published (plus whatever progress `P` the handler needs next time). Versions
 * are only compared within one aggregate, so keep one instance per aggregate kind. Memory only:
 * after a restart the first redeliveries are published again, which subscribers tolerate because
 * they keep the highest version they have seen.
 */
export class PublishedEvents<P extends { version: number } = { version: number }> {
  private readonly eventIds: BoundedLru<string, true>;
  private readonly aggregates: BoundedLru<string, P>;

  constructor(capacity: number) {
    this.eventIds = new BoundedLru(capacity);
    this.aggregates = new BoundedLru(capacity);
  }

  verdict(event: EventKey): Verdict {
    if (this.eventIds.has(event.id)) return { publish: false, reason: 'duplicate' };
    const published = this.aggregates.get(event.aggregateId);
    if (published && event.version <= published.version) return { publish: false, reason: 'stale', publishedVersion: published.version };
    return { publish: true };
  }

  progressOf(aggregateId: string): P | undefined {
    return this.aggregates.get(aggregateId);
  }

  /** Call only once the broker has acknowledged every message of the event. */
  record(event: EventKey, progress: P): void {
    this.eventIds.set(event.id, true);
    this.aggregates.set(event.aggregateId, progress);
  }
}
