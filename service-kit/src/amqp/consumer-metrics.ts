import { Counter, type Registry } from 'prom-client';
import type { EventConsumer } from './consumer.js';

/**
 * `amqp_events_consumed_total{queue, outcome}`: what happened to each message taken from a queue
 * (acked, dead_lettered, requeued). One counter name in every service, so one alert covers all.
 */
export function countConsumedEvents(registry: Registry, consumer: Pick<EventConsumer<unknown>, 'on'>, queue: string): void {
  const consumed =
    (registry.getSingleMetric('amqp_events_consumed_total') as Counter<'queue' | 'outcome'> | undefined) ??
    new Counter({
      name: 'amqp_events_consumed_total',
      help: 'Messages taken from a RabbitMQ queue, by queue and outcome (acked, dead_lettered: invalid or unprocessable, requeued: retried later)',
      labelNames: ['queue', 'outcome'],
      registers: [registry],
    });
  consumer.on('acked', () => consumed.inc({ queue, outcome: 'acked' }));
  consumer.on('dead-lettered', () => consumed.inc({ queue, outcome: 'dead_lettered' }));
  consumer.on('requeued', () => consumed.inc({ queue, outcome: 'requeued' }));
}
