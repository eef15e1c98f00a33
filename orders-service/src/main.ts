import { runService } from '@orderpulse/service-kit';
import { loadOrdersConfig } from './config.js';
import { startOrdersService } from './service.js';

const SERVICE = 'orders-service';
const DEV_DEFAULT = (setting: string) =>
  `${setting} is the development default: anyone can mint tokens or log in as admin; set it (refused when NODE_ENV=production)`;

/** The only place that reads the environment. */
void runService(
  {
    name: SERVICE,
    loadConfig: loadOrdersConfig,
    ports: (config) => ({ ORDERS_PORT: config.ORDERS_PORT, METRICS_PORT: config.METRICS_PORT }),
    devSecretWarnings: { JWT_SECRET: DEV_DEFAULT('JWT_SECRET'), ADMIN_PASSWORD: DEV_DEFAULT('ADMIN_PASSWORD') },
    start: (config, logger) => startOrdersService(config, logger),
    started: (service, config, logger) => logger.info({ url: service.url, namespace: config.AMQP_NAMESPACE || '(none)' }, `${SERVICE} listening`),
  },
  process.env,
);
