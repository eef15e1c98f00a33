import { BoundedLru } from './bounded-lru.js';

/**
 * Whether to publish an event. `publish: true` carries the progress recorded for the aggregate
 * so far (what the handler needs to build the next message).
 */
export type Claim<P> = { publish: true; progress?: P } | { publish: false; reason: 'duplicate' | 'stale'; publishedVersion?: number };

/** One event of one aggregate: an order (keyed by orderId) or a delivery (keyed by deliveryId). */
export interface EventKey {
  id: string;
  aggregateId: string;
  version: number;
}

/**
 * Remembers which events were published: a bounded LRU of event ids and, per aggregate, the
 * highest version published (plus whatever progress `P` the handler needs next time) and the
 * highest version whose publishing has begun. Versions are only compared within one aggregate,
 * so keep one instance per aggregate kind. Memory only: after a restart the first redeliveries
 * are published again, which subscribers tolerate because they keep the highest version seen.
 */
export class PublishedEvents<P extends { version: number } = { version: number }> {
  private readonly eventIds: BoundedLru<string, true>;
  private readonly aggregates: BoundedLru<string, P>;
  private readonly begun: BoundedLru<string, number>;

  constructor(capacity: number) {
    this.eventIds = new BoundedLru(capacity);
    this.aggregates = new BoundedLru(capacity);
    this.begun = new BoundedLru(capacity);
  }

  /**
   * Decides and, when the answer is publish, claims the version. A claim outlives a failed
   * attempt: the attempt may already have put some of its messages on the broker, so an older
   * version retried afterwards is stale (publishing it would take retained topics backwards).
   * The same version may be attempted again.
   */
  claim(event: EventKey): Claim<P> {
    if (this.eventIds.has(event.id)) return { publish: false, reason: 'duplicate' };
    const published = this.aggregates.get(event.aggregateId);
    if (published && event.version <= published.version) return { publish: false, reason: 'stale', publishedVersion: published.version };
    const begun = this.begun.get(event.aggregateId) ?? 0;
    if (event.version < begun) return { publish: false, reason: 'stale', publishedVersion: begun };
    this.begun.set(event.aggregateId, event.version);
    return published ? { publish: true, progress: published } : { publish: true };
  }

  /** Call only once the broker has acknowledged every message of the event. */
  record(event: EventKey, progress: P): void {
    this.eventIds.set(event.id, true);
    this.aggregates.set(event.aggregateId, progress);
  }
}
