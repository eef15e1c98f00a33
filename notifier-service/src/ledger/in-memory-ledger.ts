import type { OrderTrackingMessage } from '@orderpulse/contracts';
import { BoundedLru } from './bounded-lru.js';
import type { KeyedLocks, PublishedLedger, TrackingStore } from './ledger.js';

/**
 * One notifier's memory of what it published: a bounded LRU of event ids and, per aggregate, the
 * progress of the highest version published and the highest version whose publishing has begun.
 * Versions are only compared within one aggregate, so keep one per aggregate kind. Lost on
 * restart: the first redeliveries are published again, which subscribers tolerate because they
 * keep the highest version seen.
 */
export function inMemoryPublishedLedger<P extends { version: number } = { version: number }>(capacity: number): PublishedLedger<P> {
  const eventIds = new BoundedLru<string, true>(capacity);
  const published = new BoundedLru<string, P>(capacity);
  const begun = new BoundedLru<string, number>(capacity);
  return {
    async claim(event) {
      if (eventIds.has(event.id)) return { publish: false, reason: 'duplicate' };
      const last = published.get(event.aggregateId);
      if (last && event.version <= last.version) return { publish: false, reason: 'stale', publishedVersion: last.version };
      const attempted = begun.get(event.aggregateId) ?? 0;
      if (event.version < attempted) return { publish: false, reason: 'stale', publishedVersion: attempted };
      begun.set(event.aggregateId, event.version);
      return last ? { publish: true, progress: last } : { publish: true };
    },
    async record(event, progress) {
      eventIds.set(event.id, true);
      published.set(event.aggregateId, progress);
    },
  };
}

export function inMemoryTrackingStore(capacity: number): TrackingStore {
  const lru = new BoundedLru<string, OrderTrackingMessage>(capacity);
  return {
    get: async (orderId) => lru.get(orderId),
    set: async (orderId, message) => {
      lru.set(orderId, message);
    },
  };
}

/** With one notifier the per-key serial lanes already exclude each other: nothing to lock. */
export const noLocks: KeyedLocks = { run: (_key, task) => task() };
