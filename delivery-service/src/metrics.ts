import { Counter, type EventConsumer, type Registry } from '@orderpulse/service-kit';
import type { RiderIngest } from './ingest/rider-ingest.js';

/** Counts what the two intakes did: rider reports by kind and result, order events by outcome. */
export function instrumentIntakes(registry: Registry, ingest: Pick<RiderIngest, 'on'>, consumer: Pick<EventConsumer<unknown>, 'on'>): void {
  const reports = new Counter({
    name: 'rider_reports_total',
    help: 'Rider reports received over MQTT, by kind (status, location) and result (applied, duplicate, refused)',
    labelNames: ['kind', 'result'],
    registers: [registry],
  });
  const orderEvents = new Counter({
    name: 'order_events_consumed_total',
    help: 'Order events taken from RabbitMQ, by outcome (acked, dead_lettered, requeued)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  ingest.on('processed', (outcome) => reports.inc({ kind: outcome.kind ?? 'unknown', result: outcome.result }));
  consumer.on('acked', () => orderEvents.inc({ outcome: 'acked' }));
  consumer.on('dead-lettered', () => orderEvents.inc({ outcome: 'dead_lettered' }));
  consumer.on('requeued', () => orderEvents.inc({ outcome: 'requeued' }));
}
