import { BoundedLru } from './bounded-lru.js';

/** What the notifier last published for one order. */
export interface OrderProgress {
  version: number;
  trackingNumber: string | null;
}

export type Verdict = { publish: true } | { publish: false; reason: 'duplicate' | 'stale'; publishedVersion?: number };

interface EventKey {
  id: string;
  orderId: string;
  version: number;
}

/**
 * Remembers which events were published: a bounded LRU of event ids and, per order, the
 * highest version published. Memory only: after a restart the first redeliveries are published
 * again, which subscribers tolerate because they keep the highest version they have seen.
 */
export class PublishedEvents {
  private readonly eventIds: BoundedLru<string, true>;
  private readonly orders: BoundedLru<string, OrderProgress>;

  constructor(capacity: number) {
    this.eventIds = new BoundedLru(capacity);
    this.orders = new BoundedLru(capacity);
  }

  verdict(event: EventKey): Verdict {
    if (this.eventIds.has(event.id)) return { publish: false, reason: 'duplicate' };
    const published = this.orders.get(event.orderId);
    if (published && event.version <= published.version) return { publish: false, reason: 'stale', publishedVersion: published.version };
    return { publish: true };
  }

  progressOf(orderId: string): OrderProgress | undefined {
    return this.orders.get(orderId);
  }

  /** Call only once the broker has acknowledged every message of the event. */
  record(event: EventKey, progress: OrderProgress): void {
    this.eventIds.set(event.id, true);
    this.orders.set(event.orderId, progress);
  }
}
