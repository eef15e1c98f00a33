import { Counter, Gauge, type Registry } from 'prom-client';

export interface OutboxMetrics {
  published: Counter<'type'>;
  publishFailures: Counter<'type'>;
}

/**
 * `outbox_pending_events` is read from the store at scrape time (`countPending`), so it also
 * counts what other instances left pending.
 */
export function createOutboxMetrics(registry: Registry, countPending: () => Promise<number>): OutboxMetrics {
  new Gauge({
    name: 'outbox_pending_events',
    help: 'Events written with a change but not yet confirmed by RabbitMQ',
    registers: [registry],
    async collect() {
      try {
        this.set(await countPending());
      } catch {
        // The store is unreachable: keep the last known depth rather than failing the whole scrape.
      }
    },
  });
  return {
    published: new Counter({
      name: 'outbox_events_published_total',
      help: 'Events published with a RabbitMQ confirm and removed from the outbox, by type',
      labelNames: ['type'],
      registers: [registry],
    }),
    publishFailures: new Counter({
      name: 'outbox_publish_failures_total',
      help: 'Publish attempts that failed and were left pending for a later sweep, by type',
      labelNames: ['type'],
      registers: [registry],
    }),
  };
}
