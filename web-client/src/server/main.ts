import { runService } from '@orderpulse/service-kit';
import { loadWebClientConfig } from './config.js';
import { startWebClient } from './start-web-client.js';

/** The only place that reads the environment. */
void runService(
  {
    name: 'web-client',
    loadConfig: loadWebClientConfig,
    ports: (config) => ({ WEB_PORT: config.WEB_PORT, METRICS_PORT: config.METRICS_PORT }),
    start: (config, logger) => startWebClient(config, logger),
    started: (web, config, logger) =>
      logger.info(
        { url: web.url, mqttWsUrl: config.MQTT_WS_URL, ordersUrl: config.ORDERS_URL, deliveryUrl: config.DELIVERY_URL },
        `web-client listening: ${web.url}/track (customers), ${web.url}/admin (console), ${web.url}/rider (riders)`,
      ),
  },
  process.env,
);
