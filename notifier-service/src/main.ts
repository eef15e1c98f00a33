import { createLogger, describeStartupError, installGracefulShutdown, type Logger } from '@orderpulse/service-kit';
import { loadNotifierConfig, type NotifierConfig } from './config.js';
import { startNotifier } from './service.js';

const SERVICE = 'notifier-service';

function exitWith(logger: Logger, err: unknown, ports: Record<string, number> = {}): never {
  logger.fatal(`${SERVICE} cannot start: ${describeStartupError(err, ports)}`);
  process.exit(1);
}

/** The only place that reads the environment. */
async function main(): Promise<void> {
  let config: NotifierConfig;
  try {
    config = loadNotifierConfig(process.env);
  } catch (err) {
    exitWith(createLogger(SERVICE), err);
  }
  const logger = createLogger(SERVICE, config.LOG_LEVEL);
  try {
    const notifier = await startNotifier(config, logger);
    installGracefulShutdown(logger, notifier.closers);
    logger.info({ url: notifier.url, mqtt: config.MQTT_URL, delivery: config.DELIVERY_URL, namespace: config.AMQP_NAMESPACE || '(none)', prefetch: config.PREFETCH }, `${SERVICE} running`);
  } catch (err) {
    exitWith(logger, err, { NOTIFIER_PORT: config.NOTIFIER_PORT, METRICS_PORT: config.METRICS_PORT });
  }
}

void main();
