import { Counter, Gauge, type Registry } from '@orderpulse/service-kit';
import { REFUSAL_REASONS } from './auth/hook-types.js';

export interface BrokerMetrics {
  registry: Registry;
  connections: Counter<'transport'>;
  published: Counter<'qos' | 'retained'>;
  /** Labelled with a RefusalReason; every reason starts at 0 so dashboards see it before the first refusal. */
  refused: Counter<'reason'>;
}

export function createBrokerMetrics(registry: Registry): BrokerMetrics {
  const metrics: BrokerMetrics = {
    registry,
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
    }),
    refused: new Counter({
      name: 'mqtt_refusals_total',
      help: 'Connections, subscriptions, publishes and deliveries refused by the auth hooks, by reason',
      labelNames: ['reason'],
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
