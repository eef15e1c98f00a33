// First: swaps the `debug` module for silent loggers before mqtt.js loads (see the file).
import '@orderpulse/service-kit/quiet-debug';
import { runService } from '@orderpulse/service-kit';
import { loadDeliveryConfig } from './config.js';
import { startDeliveryService } from './service.js';

const SERVICE = 'delivery-service';

/** The only place that reads the environment. */
void runService(
  {
    name: SERVICE,
    loadConfig: loadDeliveryConfig,
    ports: (config) => ({ DELIVERY_PORT: config.DELIVERY_PORT, METRICS_PORT: config.METRICS_PORT }),
    devSecretWarnings: { JWT_SECRET: 'JWT_SECRET is not set: tokens are signed with the PUBLIC DEVELOPMENT SECRET (refused when NODE_ENV=production)' },
    start: (config, logger) => startDeliveryService(config, logger),
    started: (service, config, logger) =>
      logger.info(
        { url: service.url, mqtt: config.MQTT_URL, clientId: config.MQTT_CLIENT_ID, namespace: config.AMQP_NAMESPACE || '(none)' },
        `${SERVICE} listening`,
      ),
  },
  process.env,
);
