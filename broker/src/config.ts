import { z } from 'zod';
import {
  commonConfig,
  DEFAULT_METRICS_PORTS,
  DEFAULT_PORTS,
  jwtSecretConfig,
  loadConfig,
  metricsConfig,
  port,
  positiveInt,
  refuseDevSecretsInProduction,
  text,
} from '@orderpulse/service-kit';

/** MQTT 3.1.1's largest remaining length (§2.2.3). */
const MAX_REMAINING_LENGTH = 268_435_455;

const intBetween = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

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
  /** Largest packet (its announced remaining length) until CONNECT is accepted: room for a CONNECT with a token. */
  MQTT_MAX_CONNECT_BYTES: intBetween(4_096, 512, MAX_REMAINING_LENGTH),
  /** Allowed on top of MAX_PAYLOAD_BYTES once connected, for the topic and other fields of a packet. */
  MQTT_PACKET_OVERHEAD_BYTES: intBetween(2_048, 64, MAX_REMAINING_LENGTH),
  /** A connection that has not sent its whole CONNECT by then is closed (the WebSocket upgrade request gets as long). */
  MQTT_CONNECT_TIMEOUT_MS: intBetween(5_000, 100, 600_000),
  /** Concurrent connections from one address, TCP and WebSocket together; 0: no limit (see README: proxies). */
  MQTT_MAX_CONNECTIONS_PER_ADDRESS: intBetween(256, 0, 1_000_000),
  /** Proxies in front of the WebSocket listener whose X-Forwarded-For names the client's address. */
  TRUST_PROXY_HOPS: intBetween(0, 0, 10),
  /** Longer client ids get CONNACK 2 (identifier rejected). */
  MQTT_MAX_CLIENT_ID_LENGTH: intBetween(128, 23, 65_535),
  /** Concurrent connections per customer or rider token (role + subject). */
  MQTT_MAX_CONNECTIONS_PER_SUBJECT: intBetween(10, 1, 1_000_000),
  /** Distinct topic filters one connection may hold (every role but service); more get SUBACK 128. */
  MQTT_MAX_SUBSCRIPTIONS_PER_CLIENT: intBetween(64, 1, 1_000_000),
  /** Publishes per second of one customer or rider token (bursts of as many); faster ones are held, not refused. */
  MQTT_MAX_PUBLISHES_PER_SECOND: intBetween(10, 1, 1_000_000),
  /** Persistent sessions (clean=false) per customer or rider token; 0: none. */
  MQTT_MAX_PERSISTENT_SESSIONS_PER_SUBJECT: intBetween(4, 0, 1_000_000),
  /** An offline persistent session (any role but service) is wiped after this long. */
  MQTT_SESSION_EXPIRY_SECONDS: intBetween(86_400, 1, 365 * 86_400),
  /** A CONNECT keepalive of 0 or above this is replaced by it: a silent connection ends after 1.5 times it. */
  MQTT_MAX_KEEPALIVE_SECONDS: intBetween(300, 1, 65_535),
  /** Refusal log lines per second for each reason; the rest are counted, and summed up in one line a second. */
  REFUSAL_LOG_LINES_PER_SECOND: intBetween(10, 1, 10_000),
  /** What a client sent (client id, username, topic) is logged up to this many characters. */
  REFUSAL_LOG_FIELD_MAX_CHARS: intBetween(128, 16, 65_535),
  /** Checks the tokens clients present as their MQTT password; shared with the services that sign them. */
  ...jwtSecretConfig,
  /** Set to share subscriptions, retained messages and persistent sessions with other brokers; unset keeps everything in memory. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
    .optional(),
  /** Prefix for Redis keys and pub/sub channels, so several broker groups (or test runs) can share one Redis. */
  REDIS_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9-]*$/, 'only a-z, 0-9 and -')
    .default(''),
};

export type BrokerConfig = z.infer<z.ZodObject<typeof brokerConfigShape>>;

export const MQTT_WS_PATH = '/mqtt';

/** Throws service-kit's ConfigError naming every bad key. */
export function loadBrokerConfig(env: Record<string, string | undefined>): BrokerConfig {
  return refuseDevSecretsInProduction(loadConfig(brokerConfigShape, env));
}
