import { ConfigError, createLogger, installGracefulShutdown, type Logger } from '@orderpulse/service-kit';
import { AssetsMissingError } from './assets.js';
import { loadWebClientConfig, type WebClientConfig } from './config.js';
import { startWebClient } from './start-web-client.js';

function startupProblem(err: unknown, config: WebClientConfig): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    const setting = (err as { port?: number }).port === config.METRICS_PORT ? 'METRICS_PORT' : 'WEB_PORT';
    return `port ${(err as { port?: number }).port ?? config.WEB_PORT} is already in use: stop what holds it or set ${setting} to a free port`;
  }
  if (code === 'EACCES') return `not allowed to listen on ${config.HOST}:${config.WEB_PORT}: pick a port above 1023 with WEB_PORT`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return `cannot listen on HOST=${config.HOST}: no such local address`;
  if (err instanceof AssetsMissingError) return err.message;
  return `web-client failed to start: ${(err as Error).message}`;
}

function exitWith(logger: Logger, line: string): never {
  logger.fatal(line);
  process.exit(1);
}

async function main(): Promise<void> {
  let config: WebClientConfig;
  try {
    config = loadWebClientConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) exitWith(createLogger('web-client'), `web-client: ${err.message}`);
    throw err;
  }
  const logger = createLogger('web-client', config.LOG_LEVEL);
  const web = await startWebClient(config, logger).catch((err: unknown) => exitWith(logger, startupProblem(err, config)));
  installGracefulShutdown(logger, [{ name: 'http server', close: web.close }]);
  logger.info(
    { url: web.url, mqttWsUrl: config.MQTT_WS_URL, ordersUrl: config.ORDERS_URL, deliveryUrl: config.DELIVERY_URL },
    `web-client listening: ${web.url}/track (customers), ${web.url}/admin (console), ${web.url}/rider (riders)`,
  );
}

void main();
