import { z } from 'zod';
import { commonConfig, mongoStoreConfig, DEFAULT_PORTS, jwtSecretConfig, loadConfig, optionalText, outboxRelayConfig, port, positiveInt, refuseDevSecretsInProduction, text } from '@orderpulse/service-kit';

export const ordersConfigShape = {
  ...commonConfig,
  ORDERS_PORT: port(DEFAULT_PORTS.ORDERS_PORT),
  HOST: text('127.0.0.1'),
  ...mongoStoreConfig,
  /** Without MONGO_URL: journal the store to `<DATA_DIR>/orders-service/` so it survives restarts. */
  DATA_DIR: optionalText(),
  /** Signs customer tracking tokens and admin tokens, and checks every bearer token. */
  ...jwtSecretConfig,
  /** The console's login. The default password is refused when NODE_ENV=production. */
  ADMIN_USERNAME: text('admin'),
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').default('change-me'),
  ADMIN_TOKEN_TTL_SECONDS: positiveInt(8 * 3600),
  /** How long a tracking link works. */
  CUSTOMER_TOKEN_TTL_SECONDS: positiveInt(30 * 24 * 3600),
  /**
   * Brute-force brake on POST /auth/login: after this many wrong logins from one client address,
   * or for one username, within LOGIN_WINDOW_SECONDS, further logins get 429 (the password is not
   * even checked) until that window ends. A correct login clears both counts. Counted per process:
   * with several instances, each keeps its own count.
   */
  LOGIN_MAX_FAILURES: positiveInt(10),
  LOGIN_WINDOW_SECONDS: positiveInt(15 * 60),
  /**
   * The same for POST /tracking/lookup, per client address and per order number: failed lookups
   * (no order with that number and email) before 429, and the window they are counted in.
   */
  TRACKING_LOOKUP_MAX_FAILURES: positiveInt(10),
  TRACKING_LOOKUP_WINDOW_SECONDS: positiveInt(15 * 60),
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
    .transform((list) => list.split(',').map((origin) => origin.trim()).filter(Boolean)),
};

export type OrdersConfig = ReturnType<typeof loadOrdersConfig>;

/** Throws service-kit's ConfigError naming every bad key, or a development secret in production. */
export function loadOrdersConfig(env: Record<string, string | undefined>) {
  return refuseDevSecretsInProduction(loadConfig(ordersConfigShape, env));
}
