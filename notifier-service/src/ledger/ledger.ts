import type { OrderTrackingMessage } from '@orderpulse/contracts';

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
 * What one aggregate kind's events have already been published: the notifier's memory for
 * dropping duplicates and stale versions. In memory for one notifier; in Redis when several
 * notifiers consume the same queue.
 */
export interface PublishedLedger<P extends { version: number } = { version: number }> {
  /**
   * Publish or not, in one step with claiming the version: an event id already recorded is a
   * duplicate; a version not above the last one recorded for the aggregate is stale. A claim
   * outlives a failed attempt: the attempt may already have put some of its messages on the
   * broker, so a version below one whose attempt has begun is stale too (publishing it would take
   * retained topics backwards). The same version may be attempted again.
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
