import { z } from 'zod';
import {
  commonConfig,
  DEFAULT_METRICS_PORTS,
  DEFAULT_PORTS,
  jwtSecretConfig,
  loadConfig,
  metricsConfig,
  mongoStoreConfig,
  optionalText,
  outboxRelayConfig,
  port,
  positiveInt,
  refuseDevSecretsInProduction,
  replayHistoryConfig,
  sharedRedisConfig,
  text,
} from '@orderpulse/service-kit';

export const ordersConfigShape = {
  ...commonConfig,
  ORDERS_PORT: port(DEFAULT_PORTS.ORDERS_PORT),
  HOST: text('127.0.0.1'),
  ...metricsConfig(DEFAULT_METRICS_PORTS['orders-service']),
  ...mongoStoreConfig,
  /** Without MONGO_URL: journal the store to `<DATA_DIR>/orders-service/` so it survives restarts. */
  DATA_DIR: optionalText(),
  /** Issue 17 point 4: how long the confirm times kept for replays stay (POSITION_HISTORY_RETENTION_DAYS, as delivery-service's). */
  ...replayHistoryConfig,
  /** Signs customer tracking tokens and admin tokens, and checks every bearer token. */
  ...jwtSecretConfig,
  /** The console's login. The default password is refused when NODE_ENV=production. */
  ADMIN_USERNAME: text('admin'),
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').default('change-me'),
  ADMIN_TOKEN_TTL_SECONDS: positiveInt(8 * 3600),
  /** Issue 18 point 5: an order placed without a delivery window is promised one from its creation, this long. */
  DEFAULT_DELIVERY_WINDOW_MINUTES: positiveInt(120),
  /** How long a tracking link works. */
  CUSTOMER_TOKEN_TTL_SECONDS: positiveInt(30 * 24 * 3600),
  /**
   * Brute-force brakes on POST /auth/login (see README, Security). Wrong logins for one username
   * from one client address, within LOGIN_WINDOW_SECONDS, before that pair gets 429 (the password
   * is not even compared). A correct login clears that pair's count.
   */
  LOGIN_MAX_FAILURES: positiveInt(10),
  LOGIN_WINDOW_SECONDS: positiveInt(15 * 60),
  /** Wrong logins from one address, whatever the username, within LOGIN_WINDOW_SECONDS. */
  LOGIN_ADDRESS_MAX_FAILURES: positiveInt(30),
  /**
   * Wrong logins for one username from all addresses together within LOGIN_USERNAME_WINDOW_SECONDS.
   * Once spent, only addresses with no failure of their own for that username may still try (one
   * wrong login each per window), so nobody can lock the real admin out from elsewhere.
   */
  LOGIN_USERNAME_MAX_FAILURES: positiveInt(100),
  LOGIN_USERNAME_WINDOW_SECONDS: positiveInt(24 * 3600),
  /**
   * The same for POST /tracking/lookup (a failure: no order with that number and email): per order
   * number and address, per address, and per order number from everywhere.
   */
  TRACKING_LOOKUP_MAX_FAILURES: positiveInt(10),
  TRACKING_LOOKUP_WINDOW_SECONDS: positiveInt(15 * 60),
  TRACKING_LOOKUP_ADDRESS_MAX_FAILURES: positiveInt(30),
  TRACKING_LOOKUP_ORDER_MAX_FAILURES: positiveInt(100),
  TRACKING_LOOKUP_ORDER_WINDOW_SECONDS: positiveInt(24 * 3600),
  /** Set to share those counts with every orders-service on the same Redis (and REDIS_NAMESPACE); unset: each process counts alone, in memory. */
  ...sharedRedisConfig,
  /**
   * Reverse proxies in front of this service that append the client's address to X-Forwarded-For
   * (a load balancer: 1). 0: the header is ignored, since any client can send it, and the client
   * address is the TCP peer; behind a proxy that would make every client one address to the limits above.
   */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).default(0),
  ...outboxRelayConfig,
  /**
   * Browser origins allowed to call the API (the web-client's pages call it directly), comma
   * separated; `*` allows any. Tokens travel in the Authorization header, never in cookies.
   */
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

export type OrdersConfig = ReturnType<typeof loadOrdersConfig>;

/** Throws service-kit's ConfigError naming every bad key, or a development secret in production. */
export function loadOrdersConfig(env: Record<string, string | undefined>) {
  return refuseDevSecretsInProduction(loadConfig(ordersConfigShape, env));
}
