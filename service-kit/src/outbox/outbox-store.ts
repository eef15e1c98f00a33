/**
 * What the relay needs to know about an event: its id (for removal), type (for metrics), version
 * (for order) and, when it has one, when it was written (ISO time; sweeps leave fresh events to
 * the writer's own relay).
 */
export interface OutboxEvent {
  id: string;
  type: string;
  version: number;
  occurredAt?: string;
}

/**
 * Where a service keeps the events written together with the change that caused them (the
 * outbox), one list per aggregate (an order, a delivery). The relay reads and trims it.
 */
export interface OutboxStore<E extends OutboxEvent> {
  /** Ids of aggregates that have pending events, the one whose oldest pending event is oldest first. */
  idsWithPendingEvents(limit: number): Promise<string[]>;
  /** The aggregate's pending events, in any order (the relay sorts a copy by version); [] when it is unknown. Read-only: a store may hand out what it holds. */
  pendingEventsOf(aggregateId: string): Promise<E[]>;
  /** Drops a published event; a no-op when it (or the aggregate) is already gone. */
  removePendingEvent(aggregateId: string, eventId: string): Promise<void>;
  /**
   * Runs one drain of the aggregate's outbox while no other process's relay drains it, waiting
   * for one that does. Stores that several processes share implement it, so two relays neither
   * publish the same event twice nor send one aggregate's events out of order; stores one
   * process owns need none (the relay already drains each aggregate one at a time). Rejects
   * with OutboxDrainBusyError when another process kept draining it for too long: that process
   * publishes what is there, and the next sweep looks again.
   */
  exclusiveDrain?<T>(aggregateId: string, drain: () => Promise<T>): Promise<T>;
}

/** Tells the relay an aggregate has a new pending event, so it need not wait for its next sweep. */
export interface OutboxNudge {
  kick(aggregateId: string): void;
}

/** Another process is draining this aggregate's outbox (see OutboxStore.exclusiveDrain); not a failure. */
export class OutboxDrainBusyError extends Error {
  constructor(
    readonly aggregateId: string,
    waitedMs: number,
  ) {
    super(`another instance has been draining the outbox of ${aggregateId} for over ${waitedMs} ms; left to it and to the next sweep`);
    this.name = 'OutboxDrainBusyError';
  }
}
