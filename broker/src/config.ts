import { z } from 'zod';
import { commonConfig, ConfigError, DEFAULT_PORTS, DEV_JWT_SECRET, loadConfig, port, positiveInt, text } from '@orderpulse/service-kit';

const brokerConfigShape = {
  NODE_ENV: commonConfig.NODE_ENV,
  LOG_LEVEL: commonConfig.LOG_LEVEL,
  HOST: text('127.0.0.1'),
  MQTT_PORT: port(DEFAULT_PORTS.MQTT_PORT),
  MQTT_WS_PORT: port(DEFAULT_PORTS.MQTT_WS_PORT),
  BROKER_HTTP_PORT: port(DEFAULT_PORTS.BROKER_HTTP_PORT),
  /** PUBLISH payloads larger than this are refused and their sender disconnected. */
  MAX_PAYLOAD_BYTES: positiveInt(16_384),
  /**
   * Checks the tokens clients present as their MQTT password; shared with the services that
   * sign them. Unset: the development default (a warning says so); refused in production.
   */
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_JWT_SECRET),
};

export type BrokerConfig = z.infer<z.ZodObject<typeof brokerConfigShape>>;

export const MQTT_WS_PATH = '/mqtt';

/** True when tokens are checked with the well-known development secret, i.e. anyone can mint them. */
export function usesDevJwtSecret(config: Pick<BrokerConfig, 'JWT_SECRET'>): boolean {
  return config.JWT_SECRET === DEV_JWT_SECRET;
}

/** Throws service-kit's ConfigError naming every bad key. */
export function loadBrokerConfig(env: Record<string, string | undefined>): BrokerConfig {
  const config = loadConfig(brokerConfigShape, env);
  if (config.NODE_ENV === 'production' && usesDevJwtSecret(config)) {
    throw new ConfigError(['JWT_SECRET: the development default may not be used when NODE_ENV=production; set JWT_SECRET to the shared secret (32+ random characters)']);
  }
  return config;
}
