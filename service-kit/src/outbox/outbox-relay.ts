import { EventEmitter } from 'node:events';
import type { Logger } from '../logger.js';
import type { OutboxMetrics } from './outbox-metrics.js';
import { OutboxDrainBusyError, type OutboxEvent, type OutboxNudge, type OutboxStore } from './outbox-store.js';

export interface OutboxRelayEvents<E> {
  /** `confirmedAtMs`: when RabbitMQ's confirm arrived (before the event left the outbox). */
  published: [event: E, confirmedAtMs: number];
  'publish-failed': [event: E, error: Error];
}

export interface OutboxRelayOptions<E extends OutboxEvent> {
  store: OutboxStore<E>;
  /** Resolves once the broker has confirmed the event (service-kit's EventPublisher does). */
  publisher: { publish(event: E): Promise<void> };
  logger: Logger;
  metrics?: OutboxMetrics;
  sweepIntervalMs: number;
  /**
   * Sweeps leave events younger than this to the relay that wrote them (it was kicked and is
   * publishing them now). With several instances on one shared outbox this is what keeps a
   * sweep from publishing another instance's fresh events a second time. Kicks ignore it.
   */
  sweepGraceMs?: number;
  /** Aggregates read per query while sweeping. */
  batchSize?: number;
  /** Log field naming the aggregate id, e.g. `orderId` or `deliveryId`. */
  aggregateIdField?: string;
}

interface Drain {
  promise: Promise<void>;
  /** Set when the aggregate was kicked or swept while draining: read it again before finishing. */
  again: boolean;
  /** Set when one of those was a kick: the next pass publishes fresh events too. */
  kickedAgain: boolean;
}

/**
 * Publishes the events waiting in aggregates' outboxes and removes each once RabbitMQ confirms
 * it. Events of one aggregate go out one at a time in version order, and publishing that
 * aggregate stops at the first failure, so nothing overtakes an event that has not been
 * confirmed. Whatever is left is picked up by the next sweep (at start and every
 * `sweepIntervalMs`).
 */
export class OutboxRelay<E extends OutboxEvent> extends EventEmitter<OutboxRelayEvents<E>> implements OutboxNudge {
  private readonly drains = new Map<string, Drain>();
  private readonly batchSize: number;
  private readonly idField: string;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private stopped = false;
  private publishedCount = 0;

  constructor(private readonly options: OutboxRelayOptions<E>) {
    super();
    this.batchSize = options.batchSize ?? 100;
    this.idField = options.aggregateIdField ?? 'aggregateId';
  }

  /** Sweeps now, then every `sweepIntervalMs`, without waiting for the first sweep to finish. */
  start(): void {
    if (this.timer || this.stopped) return;
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.options.sweepIntervalMs);
    this.timer.unref();
  }

  /** Stops sweeping and waits for the publishes in flight; pending events stay for the next relay. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
    await Promise.allSettled([...this.drains.values()].map((d) => d.promise));
  }

  kick(aggregateId: string): void {
    if (!this.stopped) void this.drain(aggregateId, true);
  }

  /**
   * One pass over every aggregate with pending events; concurrent calls share the pass in
   * progress. `freshToo` includes events written within the sweep grace (after a reconnect).
   */
  sweep(options: { freshToo?: boolean } = {}): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.sweeping ??= this.sweepAll(options.freshToo === true).finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private async sweepAll(freshToo: boolean): Promise<void> {
    try {
      for (;;) {
        const before = this.publishedCount;
        const ids = await this.options.store.idsWithPendingEvents(this.batchSize);
        await Promise.all(ids.map((id) => this.drain(id, freshToo)));
        // A full batch may hide more aggregates; go on only while events are actually leaving.
        if (ids.length < this.batchSize || this.publishedCount === before || this.stopped) return;
      }
    } catch (err) {
      this.options.logger.error({ err: (err as Error).message }, 'outbox sweep failed; retrying on the next sweep');
    }
  }

  /** At most one drain per aggregate at a time: this is what keeps its events in order. */
  private drain(aggregateId: string, kicked: boolean): Promise<void> {
    const running = this.drains.get(aggregateId);
    if (running) {
      running.again = true;
      running.kickedAgain ||= kicked;
      return running.promise;
    }
    const drain: Drain = { promise: Promise.resolve(), again: false, kickedAgain: kicked };
    drain.promise = (async () => {
      do {
        const freshToo = drain.kickedAgain;
        drain.again = false;
        drain.kickedAgain = false;
        const graceMs = freshToo ? 0 : (this.options.sweepGraceMs ?? 0);
        const { store } = this.options;
        const pass = () => this.publishPendingOf(aggregateId, graceMs);
        await (store.exclusiveDrain ? store.exclusiveDrain(aggregateId, pass) : pass()).catch((err: Error) => {
          if (err instanceof OutboxDrainBusyError) this.options.logger.debug({ [this.idField]: aggregateId }, err.message);
          else this.options.logger.error({ [this.idField]: aggregateId, err: err.message }, 'outbox drain failed; retrying on the next sweep');
        });
      } while (drain.again && !this.stopped);
    })().finally(() => this.drains.delete(aggregateId));
    this.drains.set(aggregateId, drain);
    return drain.promise;
  }

  /**
   * Publishes the aggregate's pending events in order, stopping at the first one written less
   * than `graceMs` from now (either way: a writer's clock may run a little ahead of ours).
   */
  private async publishPendingOf(aggregateId: string, graceMs: number): Promise<void> {
    const { store, publisher, logger, metrics } = this.options;
    const events = [...(await store.pendingEventsOf(aggregateId))].sort((a, b) => a.version - b.version);
    const now = Date.now();
    for (const event of events) {
      if (this.stopped) return;
      if (graceMs > 0 && event.occurredAt !== undefined && Math.abs(now - Date.parse(event.occurredAt)) < graceMs) return;
      const ids = { [this.idField]: aggregateId, ...correlationOf(event), eventId: event.id, type: event.type, version: event.version };
      let confirmedAtMs: number;
      try {
        await publisher.publish(event);
        confirmedAtMs = Date.now();
      } catch (err) {
        metrics?.publishFailures.inc({ type: event.type });
        logger.warn({ ...ids, err: (err as Error).message }, 'event publish failed; left in the outbox for the next sweep');
        this.emit('publish-failed', event, err as Error);
        return;
      }
      await store.removePendingEvent(aggregateId, event.id);
      this.publishedCount += 1;
      metrics?.published.inc({ type: event.type });
      logger.info(ids, 'event published');
      this.emit('published', event, confirmedAtMs);
    }
  }
}

/** Domain events carry their order's id; it goes into the log line whatever the aggregate is. */
function correlationOf(event: OutboxEvent): Record<string, unknown> {
  const orderId = (event as { orderId?: unknown }).orderId;
  return typeof orderId === 'string' ? { orderId } : {};
}
