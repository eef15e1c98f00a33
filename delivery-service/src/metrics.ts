import { countConsumedEvents, Counter, type EventConsumer, type Registry } from '@orderpulse/service-kit';
import type { RiderIngest } from './ingest/rider-ingest.js';

/** `rider_reports_total{kind,result}`: every rider report the ingest dealt with. */
export function countRiderReports(registry: Registry, ingest: Pick<RiderIngest, 'on'>): void {
  const reports = new Counter({
    name: 'rider_reports_total',
    help: 'Rider reports received over MQTT, by kind (status, location) and result (applied, duplicate, refused; refused_future / refused_too_old when `at` is outside the accepted window)',
    labelNames: ['kind', 'result'],
    registers: [registry],
  });
  ingest.on('processed', (outcome) => reports.inc({ kind: outcome.kind ?? 'unknown', result: outcome.result }));
}

/** Counts what the two intakes did: rider reports by kind and result, order events by outcome (`amqp_events_consumed_total`). */
export function instrumentIntakes(registry: Registry, ingest: Pick<RiderIngest, 'on'>, consumer: Pick<EventConsumer<unknown>, 'on'>, queue: string): void {
  countRiderReports(registry, ingest);
  countConsumedEvents(registry, consumer, queue);
}
