import { ConfigError, createLogger, DependencyUnavailableError, describeStartupError, devDefaultSecretsIn, installGracefulShutdown } from '@orderpulse/service-kit';
import { loadOrdersConfig } from './config.js';
import { startOrdersService } from './service.js';

const SERVICE = 'orders-service';

/** The only place that reads the environment; prints one line and exits 1 when it cannot start. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadOrdersConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    createLogger(SERVICE).fatal(err.message);
    process.exit(1);
  }
  const logger = createLogger(SERVICE, config.LOG_LEVEL);
  for (const key of devDefaultSecretsIn(config)) {
    logger.warn({ setting: key }, `${key} is the development default: anyone can mint tokens or log in as admin; set it (refused when NODE_ENV=production)`);
  }
  try {
    const service = await startOrdersService(config, logger);
    installGracefulShutdown(logger, service.closers);
    logger.info({ url: service.url, namespace: config.AMQP_NAMESPACE || '(none)' }, 'orders-service listening');
  } catch (err) {
    logger.fatal(startFailureMessage(err, { ORDERS_PORT: config.ORDERS_PORT, METRICS_PORT: config.METRICS_PORT }));
    process.exit(1);
  }
}

function startFailureMessage(err: unknown, ports: Record<string, number>): string {
  if (err instanceof DependencyUnavailableError) return err.message;
  if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') return describeStartupError(err, ports);
  return `orders-service failed to start: ${(err as Error).stack ?? String(err)}`;
}

void main();
