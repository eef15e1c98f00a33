import type { Logger } from 'pino';
import { loadBrokerConfig } from '../../src/config.js';
import { createBroker, type BrokerSettings, type RunningBroker } from '../../src/create-broker.js';
import { TEST_JWT_SECRET } from './personas.js';

/** The broker's defaults (from its config schema), on free ports, with the test secret. */
export function testBrokerSettings(overrides: Partial<BrokerSettings> = {}): BrokerSettings {
  const { NODE_ENV: _env, LOG_LEVEL: _level, REDIS_URL: _url, REDIS_NAMESPACE: _namespace, ...defaults } = loadBrokerConfig({});
  return {
    ...defaults,
    HOST: '127.0.0.1',
    MQTT_PORT: 0,
    MQTT_WS_PORT: 0,
    BROKER_HTTP_PORT: 0,
    METRICS_PORT: 0,
    MAX_PAYLOAD_BYTES: 1024,
    JWT_SECRET: TEST_JWT_SECRET,
    ...overrides,
  };
}

export interface TestBroker extends RunningBroker {
  tcpUrl: string;
  wsUrl: string;
  httpUrl: string;
  /** Where /metrics is served (its own port). */
  metricsUrl: string;
}

/** The real broker on free ports, checking tokens with TEST_JWT_SECRET. */
export async function startTestBroker(logger: Logger, overrides: Partial<BrokerSettings> = {}): Promise<TestBroker> {
  const broker = await createBroker(testBrokerSettings(overrides), logger);
  return {
    ...broker,
    tcpUrl: `mqtt://127.0.0.1:${broker.tcpPort}`,
    wsUrl: `ws://127.0.0.1:${broker.wsPort}/mqtt`,
    httpUrl: `http://127.0.0.1:${broker.httpPort}`,
    metricsUrl: `http://127.0.0.1:${broker.metricsPort}/metrics`,
  };
}
