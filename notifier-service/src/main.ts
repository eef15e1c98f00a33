// First: swaps the `debug` module for silent loggers before mqtt.js loads (see the file).
import '@orderpulse/service-kit/quiet-debug';
import { runService } from '@orderpulse/service-kit';
import { loadNotifierConfig } from './config.js';
import { startNotifier } from './service.js';

const SERVICE = 'notifier-service';

/** The only place that reads the environment. */
void runService(
  {
    name: SERVICE,
    loadConfig: loadNotifierConfig,
    ports: (config) => ({ NOTIFIER_PORT: config.NOTIFIER_PORT, METRICS_PORT: config.METRICS_PORT }),
    devSecretWarnings: {
      JWT_SECRET: "JWT_SECRET is not set: signing the service token with the development secret; set JWT_SECRET (the broker's) outside development",
    },
    start: (config, logger) => startNotifier(config, logger),
    started: (notifier, config, logger) =>
      logger.info(
        { url: notifier.url, mqtt: config.MQTT_URL, delivery: config.DELIVERY_URL, namespace: config.AMQP_NAMESPACE || '(none)', prefetch: config.PREFETCH },
        `${SERVICE} running`,
      ),
  },
  process.env,
);
