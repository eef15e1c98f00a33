import { Counter, Gauge, type Registry } from '@orderpulse/service-kit';
import { REFUSAL_REASONS } from './auth/hook-types.js';

export interface BrokerMetrics {
  registry: Registry;
  connections: Counter<'transport'>;
  /** Read at scrape time from countPublished's plain counters. */
  published: Counter<'qos' | 'retained'>;
  /** Counts one PUBLISH accepted from a client: two array increments, no label hashing per message. */
  countPublished(qos: number, retain: boolean): void;
  /** Labelled with a RefusalReason; every reason starts at 0 so dashboards see it before the first refusal. */
  refused: Counter<'reason'>;
  /** Not a refusal: tokens expire in normal use, and their clients reconnect with fresh ones. */
  tokenExpiredDisconnects: Counter;
}

const QOS_LABELS = ['0', '1', '2'] as const;

export function createBrokerMetrics(registry: Registry): BrokerMetrics {
  // Index qos * 2 + retain; what has been moved into the prom-client counter so far.
  const publishedCounts = new Float64Array(6);
  const publishedReported = new Float64Array(6);
  const metrics: BrokerMetrics = {
    registry,
    countPublished(qos, retain) {
      const i = (qos > 2 ? 2 : qos < 0 ? 0 : qos) * 2 + (retain ? 1 : 0);
      publishedCounts[i] = (publishedCounts[i] as number) + 1;
    },
    connections: new Counter({
      name: 'mqtt_connections_total',
      help: 'MQTT clients that completed CONNECT, by transport',
      labelNames: ['transport'],
      registers: [registry],
    }),
    published: new Counter({
      name: 'mqtt_messages_published_total',
      help: 'PUBLISH packets accepted from clients',
      labelNames: ['qos', 'retained'],
      registers: [registry],
      collect() {
        for (let i = 0; i < publishedCounts.length; i += 1) {
          const delta = (publishedCounts[i] as number) - (publishedReported[i] as number);
          if (delta <= 0) continue;
          publishedReported[i] = publishedCounts[i] as number;
          this.inc({ qos: QOS_LABELS[i >> 1] as string, retained: String(i % 2 === 1) }, delta);
        }
      },
    }),
    refused: new Counter({
      name: 'mqtt_refusals_total',
      help: 'Connections, subscriptions, publishes and deliveries refused by the auth hooks, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    tokenExpiredDisconnects: new Counter({
      name: 'mqtt_token_expired_disconnects_total',
      help: 'Connections the broker closed because their token expired while they were connected',
      registers: [registry],
    }),
  };
  for (const reason of REFUSAL_REASONS) metrics.refused.inc({ reason }, 0);
  return metrics;
}

/** Read when scraped, so it can never drift from the broker's own count. */
export function registerConnectedClientsGauge(registry: Registry, connectedClients: () => number): void {
  new Gauge({
    name: 'mqtt_connected_clients',
    help: 'MQTT clients connected right now',
    registers: [registry],
    collect() {
      this.set(connectedClients());
    },
  });
}
