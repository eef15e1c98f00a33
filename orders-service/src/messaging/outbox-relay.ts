import { EventEmitter } from 'node:events';
import type { OrderEvent } from '@orderpulse/contracts';
import type { EventPublisher, Logger } from '@orderpulse/service-kit';
import type { OrderRepository } from '../data-access/order-repository.js';
import type { OutboxNudge } from '../domain/order-use-case-deps.js';
import type { OutboxMetrics } from './outbox-metrics.js';

export interface OutboxRelayEvents {
  published: [event: OrderEvent];
  'publish-failed': [event: OrderEvent, error: Error];
}

export interface OutboxRelayOptions {
  repository: OrderRepository;
  publisher: Pick<EventPublisher, 'publish'>;
  logger: Logger;
  metrics: OutboxMetrics;
  sweepIntervalMs: number;
  /** Orders read per query while sweeping. */
  batchSize?: number;
}

interface Drain {
  promise: Promise<void>;
  /** Set when the order was kicked while draining: read it again before finishing. */
  again: boolean;
}

/**
 * Publishes the events waiting in orders' outboxes and removes each once RabbitMQ confirms it.
 * Events of one order go out one at a time in version order, and publishing that order stops
 * at the first failure, so nothing overtakes an event that has not been confirmed. Whatever
 * is left is picked up by the next sweep (at start and every `sweepIntervalMs`).
 */
export class OutboxRelay extends EventEmitter<OutboxRelayEvents> implements OutboxNudge {
  private readonly drains = new Map<string, Drain>();
  private readonly batchSize: number;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private stopped = false;
  private publishedCount = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    super();
    this.batchSize = options.batchSize ?? 100;
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

  kick(orderId: string): void {
    if (!this.stopped) void this.drain(orderId);
  }

  /** One pass over every order with pending events; concurrent calls share the pass in progress. */
  sweep(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.sweeping ??= this.sweepAll().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private async sweepAll(): Promise<void> {
    try {
      for (;;) {
        const before = this.publishedCount;
        const batch = await this.options.repository.listWithPendingEvents(this.batchSize);
        await Promise.all(batch.map((stored) => this.drain(stored.order.id)));
        // A full batch may hide more orders; go on only while events are actually leaving.
        if (batch.length < this.batchSize || this.publishedCount === before || this.stopped) return;
      }
    } catch (err) {
      this.options.logger.error({ err: (err as Error).message }, 'outbox sweep failed; retrying on the next sweep');
    }
  }

  /** At most one drain per order at a time: this is what keeps an order's events in order. */
  private drain(orderId: string): Promise<void> {
    const running = this.drains.get(orderId);
    if (running) {
      running.again = true;
      return running.promise;
    }
    const drain: Drain = { promise: Promise.resolve(), again: false };
    drain.promise = (async () => {
      do {
        drain.again = false;
        await this.publishPendingOf(orderId).catch((err: Error) => {
          this.options.logger.error({ orderId, err: err.message }, 'outbox drain failed; retrying on the next sweep');
        });
      } while (drain.again && !this.stopped);
    })().finally(() => this.drains.delete(orderId));
    this.drains.set(orderId, drain);
    return drain.promise;
  }

  private async publishPendingOf(orderId: string): Promise<void> {
    const { repository, publisher, logger, metrics } = this.options;
    const stored = await repository.findById(orderId);
    if (!stored) return;
    const events = [...stored.pendingEvents].sort((a, b) => a.version - b.version);
    for (const event of events) {
      if (this.stopped) return;
      const ids = { orderId, eventId: event.id, type: event.type, version: event.version };
      try {
        await publisher.publish(event);
      } catch (err) {
        metrics.publishFailures.inc({ type: event.type });
        logger.warn({ ...ids, err: (err as Error).message }, 'event publish failed; left in the outbox for the next sweep');
        this.emit('publish-failed', event, err as Error);
        return;
      }
      await repository.removePendingEvent(orderId, event.id);
      this.publishedCount += 1;
      metrics.published.inc({ type: event.type });
      logger.info(ids, 'event published');
      this.emit('published', event);
    }
  }
}
