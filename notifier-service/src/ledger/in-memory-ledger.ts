import type { OrderTrackingMessage } from '@orderpulse/contracts';
import { BoundedLru } from '../bounded-lru.js';
import { PublishedEvents } from '../dedupe.js';
import type { KeyedLocks, PublishedLedger, TrackingStore } from './ledger.js';

/** One notifier's memory: bounded, lost on restart (subscribers keep the highest version seen). */
export function inMemoryPublishedLedger<P extends { version: number } = { version: number }>(capacity: number): PublishedLedger<P> {
  const published = new PublishedEvents<P>(capacity);
  return {
    claim: async (event) => published.claim(event),
    record: async (event, progress) => published.record(event, progress),
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
