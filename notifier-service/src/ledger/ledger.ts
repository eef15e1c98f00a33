import type { OrderTrackingMessage } from '@orderpulse/contracts';
import type { Claim, EventKey } from '../dedupe.js';

/**
 * What one aggregate kind's events have already been published: the notifier's memory for
 * dropping duplicates and stale versions. In memory for one notifier; in Redis when several
 * notifiers consume the same queue.
 */
export interface PublishedLedger<P extends { version: number } = { version: number }> {
  /**
   * Publish or not, in one step with claiming the version (see PublishedEvents.claim): once an
   * attempt at version n has begun, versions below n are stale even if that attempt fails.
   */
  claim(event: EventKey): Promise<Claim<P>>;
  /** Call only once the broker has acknowledged every message of the event. */
  record(event: EventKey, progress: P): Promise<void>;
}

/** The last tracking message published per order id, to republish it with a new position's ETA. */
export interface TrackingStore {
  get(orderId: string): Promise<OrderTrackingMessage | undefined>;
  set(orderId: string, message: OrderTrackingMessage): Promise<void>;
}

/**
 * Mutual exclusion per key across every notifier instance: the check-publish-record of one
 * order's event must not interleave with another instance's, or an older version could be
 * published after a newer one and stay retained.
 */
export interface KeyedLocks {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
}
