import { z } from 'zod';
import { PROOF_KINDS } from '@orderpulse/contracts';
import {
  commonConfig,
  DEFAULT_METRICS_PORTS,
  mongoStoreConfig,
  DEFAULT_PORTS,
  jwtSecretConfig,
  loadConfig,
  metricsConfig,
  outboxRelayConfig,
  optionalText,
  port,
  positiveInt,
  refuseDevSecretsInProduction,
  text,
} from '@orderpulse/service-kit';
import { trackConfig } from './track/track-settings.js';

export const deliveryConfigShape = {
  ...commonConfig,
  DELIVERY_PORT: port(DEFAULT_PORTS.DELIVERY_PORT),
  HOST: text('127.0.0.1'),
  ...metricsConfig(DEFAULT_METRICS_PORTS['delivery-service']),
  /** The broker riders publish to; the ingest connects as username `service` with a token it signs itself. */
  MQTT_URL: text(`mqtt://127.0.0.1:${DEFAULT_PORTS.MQTT_PORT}`),
  /** Fixed, so the broker keeps this service's persistent session (and queued rider messages) across restarts. */
  MQTT_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('delivery-service'),
  ...mongoStoreConfig,
  /** Without MONGO_URL: journal the store to files in `<DATA_DIR>/delivery-service/` so it survives restarts. */
  DATA_DIR: optionalText(),
  /** Signs rider tokens and this service's own broker token; shared with the broker. Dev default refused in production. */
  ...jwtSecretConfig,
  RIDER_TOKEN_TTL_SECONDS: positiveInt(12 * 3600),
  /** Lifetime of this service's MQTT password, a token signed afresh for every (re)connect. */
  SERVICE_TOKEN_TTL_SECONDS: positiveInt(24 * 3600),
  /**
   * What the shop asks for before "delivered" (issue 18 point 3): a 4-digit PIN the customer reads
   * out, a photo, a signature, or none. Orders to be left at the door or in a safe place need a
   * photo instead, unless this is `none`.
   */
  PROOF_OF_DELIVERY: z.enum(PROOF_KINDS).default('none'),
  /** Wrong PINs before entering one is locked for that delivery (an admin unlocks it). */
  PIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  /** Largest proof photo or signature accepted, in bytes (refused before it is read further). */
  PROOF_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(10 * 1024 * 1024)
    .default(2 * 1024 * 1024),
  /** Keep proof photos and signatures in this folder instead of the store (MongoDB, or the journal's directory). */
  PROOF_DIR: optionalText(),
  /** Average rider speed used for the ETA. */
  AVERAGE_SPEED_KMH: z.coerce.number().positive().max(300).default(25),
  /** A rider position this close to the delivery address (metres, great-circle) records "arriving", once per delivery (delivery.arriving). */
  ARRIVAL_RADIUS_M: z.coerce.number().int().min(10).max(5_000).default(150),
  /** A rider report dated further ahead of this server's clock is refused (device clocks drift; a forged future `at` would freeze the position). */
  RIDER_REPORT_MAX_FUTURE_SECONDS: positiveInt(30),
  /**
   * A rider report older than this is refused. A day covers a device that was offline for a
   * whole shift (rider tokens last 12 h) and an outage of this service while the broker keeps its
   * persistent session; a delivery is not on the road longer than that.
   */
  RIDER_REPORT_MAX_AGE_SECONDS: positiveInt(24 * 3600),
  /** Refused (and ignored repeated) rider report log lines per second for each result; the rest are counted and summed up in one line a second. */
  REFUSAL_LOG_LINES_PER_SECOND: positiveInt(10),
  /** Issue 18 point 5: how often open deliveries whose promised window has ended are looked for (and marked late, with delivery.late). */
  LATENESS_CHECK_MS: positiveInt(30_000),
  /** At most this many are marked per pass; the rest wait for the next one. */
  LATENESS_CHECK_BATCH: positiveInt(200),
  ...outboxRelayConfig,
  ...trackConfig,
  /** How long start-up waits for RabbitMQ and for the MQTT broker before giving up. */
  CONNECT_TIMEOUT_MS: positiveInt(5_000),
  /** Browser origins allowed to call the API, comma separated; `*` allows any. */
  CORS_ORIGINS: z
    .string()
    .default('*')
    .transform((list) =>
      list
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    ),
};

export type DeliveryConfig = ReturnType<typeof loadDeliveryConfig>;

/** Throws service-kit's ConfigError naming every bad key (and the dev JWT secret in production). */
export function loadDeliveryConfig(env: Record<string, string | undefined>) {
  return refuseDevSecretsInProduction(loadConfig(deliveryConfigShape, env));
}
