import { Counter, Histogram, type Registry } from '@orderpulse/service-kit';

export interface NotifierMetrics {
  published: Counter<'kind'>;
  deduped: Counter<'reason'>;
  pubAckSeconds: Histogram;
}

export function createNotifierMetrics(registry: Registry): NotifierMetrics {
  return {
    published: new Counter({
      name: 'notifier_mqtt_messages_published_total',
      help: 'MQTT messages the broker acknowledged, by kind (order-status, order-tracking, order-location, rider-assignments, admin-feed)',
      labelNames: ['kind'],
      registers: [registry],
    }),
    deduped: new Counter({
      name: 'notifier_events_deduped_total',
      help: 'Events acked without publishing, by reason (duplicate, stale)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    pubAckSeconds: new Histogram({
      name: 'notifier_mqtt_puback_seconds',
      help: 'Time from publishing an MQTT message to the broker acknowledging it',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
