import { countConsumedEvents, Counter, type EventConsumer, type Registry } from '@orderpulse/service-kit';
import type { RiderIngest } from './ingest/rider-ingest.js';

/** Counts what the two intakes did: rider reports by kind and result, order events by outcome (`amqp_events_consumed_total`). */
export function instrumentIntakes(registry: Registry, ingest: Pick<RiderIngest, 'on'>, consumer: Pick<EventConsumer<unknown>, 'on'>, queue: string): void {
  const reports = new Counter({
    name: 'rider_reports_total',
    help: 'Rider reports received over MQTT, by kind (status, location) and result (applied, duplicate, refused)',
    labelNames: ['kind', 'result'],
    registers: [registry],
  });
  ingest.on('processed', (outcome) => reports.inc({ kind: outcome.kind ?? 'unknown', result: outcome.result }));
  countConsumedEvents(registry, consumer, queue);
}
