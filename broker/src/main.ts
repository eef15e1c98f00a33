// First: swaps the `debug` module for silent loggers before aedes/mqtt-packet load (see the file).
import './quiet-debug.js';
import { createLogger, describeStartupError, installGracefulShutdown, type Logger } from '@orderpulse/service-kit';
import { loadBrokerConfig, usesDevJwtSecret, type BrokerConfig } from './config.js';
import { createBroker } from './create-broker.js';

function exitWith(logger: Logger, err: unknown, ports: Record<string, number> = {}): never {
  logger.fatal(`broker cannot start: ${describeStartupError(err, ports)}`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config: BrokerConfig;
  try {
    config = loadBrokerConfig(process.env);
  } catch (err) {
    exitWith(createLogger('broker'), err);
  }
  const logger = createLogger('broker', config.LOG_LEVEL);
  if (usesDevJwtSecret(config)) {
    logger.warn(
      { setting: 'JWT_SECRET' },
      'JWT_SECRET is unset (or the development default): MQTT tokens are checked with the public development secret, so anyone can mint one. ' +
        'Set JWT_SECRET to the secret the services sign with (refused when NODE_ENV=production).',
    );
  }
  try {
    const broker = await createBroker(config, logger);
    installGracefulShutdown(logger, [{ name: 'broker', close: broker.close }]);
  } catch (err) {
    exitWith(logger, err, { MQTT_PORT: config.MQTT_PORT, MQTT_WS_PORT: config.MQTT_WS_PORT, BROKER_HTTP_PORT: config.BROKER_HTTP_PORT, METRICS_PORT: config.METRICS_PORT });
  }
}

void main();
