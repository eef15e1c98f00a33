import { Counter, Gauge, type Registry } from '@orderpulse/service-kit';

export interface BrokerMetrics {
  registry: Registry;
  connections: Counter<'transport'>;
  published: Counter<'qos' | 'retained'>;
  refused: Counter<'reason'>;
}

export function createBrokerMetrics(registry: Registry): BrokerMetrics {
  return {
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
      help: 'Publishes and subscriptions refused by the auth hooks, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
  };
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
