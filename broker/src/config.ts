import { z } from 'zod';
import {
  commonConfig,
  DEFAULT_METRICS_PORTS,
  DEFAULT_PORTS,
  devDefaultSecretsIn,
  jwtSecretConfig,
  loadConfig,
  metricsConfig,
  port,
  positiveInt,
  refuseDevSecretsInProduction,
  text,
} from '@orderpulse/service-kit';

const brokerConfigShape = {
  NODE_ENV: commonConfig.NODE_ENV,
  LOG_LEVEL: commonConfig.LOG_LEVEL,
  HOST: text('127.0.0.1'),
  MQTT_PORT: port(DEFAULT_PORTS.MQTT_PORT),
  MQTT_WS_PORT: port(DEFAULT_PORTS.MQTT_WS_PORT),
  BROKER_HTTP_PORT: port(DEFAULT_PORTS.BROKER_HTTP_PORT),
  ...metricsConfig(DEFAULT_METRICS_PORTS.broker),
  /** PUBLISH payloads larger than this are refused and their sender disconnected. */
  MAX_PAYLOAD_BYTES: positiveInt(16_384),
  /** Checks the tokens clients present as their MQTT password; shared with the services that sign them. */
  ...jwtSecretConfig,
  /** Set to share subscriptions, retained messages and persistent sessions with other brokers; unset keeps everything in memory. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
    .optional(),
  /** Prefix for Redis keys and pub/sub channels, so several broker groups (or test runs) can share one Redis. */
  REDIS_NAMESPACE: z.string().regex(/^[a-z0-9-]*$/, 'only a-z, 0-9 and -').default(''),
};

export type BrokerConfig = z.infer<z.ZodObject<typeof brokerConfigShape>>;

export const MQTT_WS_PATH = '/mqtt';

/** True when tokens are checked with the well-known development secret, i.e. anyone can mint them. */
export function usesDevJwtSecret(config: Pick<BrokerConfig, 'JWT_SECRET'>): boolean {
  return devDefaultSecretsIn(config).includes('JWT_SECRET');
}

/** Throws service-kit's ConfigError naming every bad key. */
export function loadBrokerConfig(env: Record<string, string | undefined>): BrokerConfig {
  return refuseDevSecretsInProduction(loadConfig(brokerConfigShape, env));
}
