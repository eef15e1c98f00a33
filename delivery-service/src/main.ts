import { createLogger, describeStartupError, installGracefulShutdown, type Logger } from '@orderpulse/service-kit';
import { loadDeliveryConfig, type DeliveryConfig } from './config.js';
import { startDeliveryService } from './service.js';

const SERVICE = 'delivery-service';

function exitWith(logger: Logger, err: unknown, ports: Record<string, number> = {}): never {
  logger.fatal(`${SERVICE} cannot start: ${describeStartupError(err, ports)}`);
  process.exit(1);
}

/** The only place that reads the environment; prints one line and exits 1 when it cannot start. */
async function main(): Promise<void> {
  let config: DeliveryConfig;
  try {
    config = loadDeliveryConfig(process.env);
  } catch (err) {
    exitWith(createLogger(SERVICE), err);
  }
  const logger = createLogger(SERVICE, config.LOG_LEVEL);
  try {
    const service = await startDeliveryService(config, logger);
    installGracefulShutdown(logger, service.closers);
    logger.info(
      { url: service.url, mqtt: config.MQTT_URL, clientId: config.MQTT_CLIENT_ID, namespace: config.AMQP_NAMESPACE || '(none)' },
      `${SERVICE} listening`,
    );
  } catch (err) {
    exitWith(logger, err, { DELIVERY_PORT: config.DELIVERY_PORT, METRICS_PORT: config.METRICS_PORT });
  }
}

void main();
