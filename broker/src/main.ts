// First: swaps the `debug` module for silent loggers before aedes/mqtt-packet load (see the file).
import '@orderpulse/service-kit/quiet-debug';
import { runService } from '@orderpulse/service-kit';
import { loadBrokerConfig } from './config.js';
import { createBroker } from './create-broker.js';

/** The only place that reads the environment; createBroker logs "broker listening". */
void runService(
  {
    name: 'broker',
    loadConfig: loadBrokerConfig,
    ports: (config) => ({
      MQTT_PORT: config.MQTT_PORT,
      MQTT_WS_PORT: config.MQTT_WS_PORT,
      BROKER_HTTP_PORT: config.BROKER_HTTP_PORT,
      METRICS_PORT: config.METRICS_PORT,
    }),
    devSecretWarnings: {
      JWT_SECRET:
        'JWT_SECRET is unset (or the development default): MQTT tokens are checked with the public development secret, so anyone can mint one. ' +
        'Set JWT_SECRET to the secret the services sign with (refused when NODE_ENV=production).',
    },
    start: createBroker,
  },
  process.env,
);
