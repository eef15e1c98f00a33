import { z } from 'zod';
import {
  commonConfig,
  DEFAULT_METRICS_PORTS,
  DEFAULT_PORTS,
  jwtSecretConfig,
  loadConfig,
  metricsConfig,
  optionalText,
  port,
  positiveInt,
  refuseDevSecretsInProduction,
  text,
} from '@orderpulse/service-kit';

export const notifierConfigShape = {
  ...commonConfig,
  NOTIFIER_PORT: port(DEFAULT_PORTS.NOTIFIER_PORT),
  HOST: text('127.0.0.1'),
  ...metricsConfig(DEFAULT_METRICS_PORTS['notifier-service']),
  MQTT_URL: text(`mqtt://127.0.0.1:${DEFAULT_PORTS.MQTT_PORT}`),
  /** Signs the notifier's service token (MQTT password, delivery-service calls); the broker's secret. */
  ...jwtSecretConfig,
  /**
   * Override the service-token login (`service` / a token signed with JWT_SECRET). A fixed
   * MQTT_PASSWORD token stops working when it expires: the broker closes the connection then and
   * refuses the same token on reconnect; leave it unset to have a fresh token signed every time.
   */
  MQTT_USERNAME: optionalText(),
  MQTT_PASSWORD: optionalText(),
  /** delivery-service, asked for a rider's open deliveries. */
  DELIVERY_URL: z.url({ protocol: /^https?$/ }).default(`http://127.0.0.1:${DEFAULT_PORTS.DELIVERY_PORT}`),
  /** How long one request to delivery-service may take before the event is requeued. */
  DELIVERY_TIMEOUT_MS: positiveInt(3_000),
  /**
   * Circuit breaker on those requests: once half of at least this many within 10 s failed for want
   * of an answer (timeout, 5xx, 429), they stop for DELIVERY_BREAKER_OPEN_MS and the events wait.
   */
  DELIVERY_BREAKER_MIN_REQUESTS: positiveInt(5),
  DELIVERY_BREAKER_OPEN_MS: positiveInt(2_000),
  /**
   * Unacked AMQP messages in flight at once; events of one order still run one at a time. Each is
   * held until the broker's PUBACK, so this over the PUBACK's latency caps the rate: with 32, a
   * busy broker's 20–30 ms PUBACKs capped it near 1,000–1,500 events/s and a queue built up at
   * 1,000 updates/s (p99 650 ms end to end; 256: 100–250 ms, README Performance).
   */
  PREFETCH: positiveInt(256),
  /** How long a publish may wait for the broker (connection + PUBACK) before the event is requeued. */
  MQTT_PUBLISH_TIMEOUT_MS: positiveInt(5_000),
  /** How long start-up waits for RabbitMQ and for the MQTT broker before giving up. */
  CONNECT_TIMEOUT_MS: positiveInt(5_000),
  /** Must not exceed the broker's MAX_PAYLOAD_BYTES; larger admin-feed payloads are cut down. */
  MQTT_MAX_PAYLOAD_BYTES: positiveInt(16_384),
  /** Event ids, orders and deliveries remembered for dropping duplicates and stale versions. */
  DEDUPE_CAPACITY: positiveInt(50_000),
  /** Orders whose last tracking message is kept, to republish it with the ETA of a new position. */
  TRACKING_CACHE_CAPACITY: positiveInt(10_000),
  /** Shared ledger and per-order locks, so several notifiers can consume one queue; unset: memory (one notifier). */
  REDIS_URL: optionalText(),
  /** Key prefix in that Redis, to keep systems sharing one Redis apart. */
  REDIS_NAMESPACE: text(''),
  /** How long an order's lock outlives a notifier that died holding it; above the publish and delivery timeouts. */
  LOCK_TTL_MS: positiveInt(15_000),
  /** How long to wait for an order's lock held by another notifier before requeueing the event. */
  LOCK_WAIT_MS: positiveInt(2_000),
  /** Customers get the rider's position snapped to a grid of this many metres while the rider is far away. */
  LOCATION_COARSE_METERS: positiveInt(500),
  /** Within this many km of the address (the ETA's distance) customers get the exact position; 0: never exact. */
  LOCATION_EXACT_WITHIN_KM: z.coerce.number().min(0).max(1_000).default(2),
  /** A rider's heartbeats reach the customers' `orders/<id>/signal` at most this often (presence changes at once). */
  RIDER_SIGNAL_MIN_INTERVAL_MS: positiveInt(5_000),
  /** Pause before a message whose publish failed is put back on the queue. */
  RETRY_DELAY_MS: positiveInt(500),
};

export type NotifierConfig = ReturnType<typeof loadNotifierConfig>;

/** Throws service-kit's ConfigError naming every bad key; the dev JWT_SECRET is refused in production. */
export function loadNotifierConfig(env: Record<string, string | undefined>) {
  return refuseDevSecretsInProduction(loadConfig(notifierConfigShape, env));
}
