import { z } from 'zod';
import { commonConfig, DEFAULT_PORTS, jwtSecretConfig, loadConfig, optionalText, port, positiveInt, refuseDevSecretsInProduction, text } from '@orderpulse/service-kit';
import { DEFAULT_POSTGRES_SCHEMA, POSTGRES_SCHEMA_PATTERN } from './data-access/postgres-order-repository.js';

export const ordersConfigShape = {
  ...commonConfig,
  ORDERS_PORT: port(DEFAULT_PORTS.ORDERS_PORT),
  HOST: text('127.0.0.1'),
  /** Unset: orders live in PostgreSQL (POSTGRES_URL), in memory only (a warning says so at start-up), or in files under DATA_DIR. */
  MONGO_URL: optionalText(),
  /**
   * Without MONGO_URL: keep orders in PostgreSQL (e.g. postgres://user:pass@host:5432/db), so
   * several orders-service processes can share one store. MONGO_URL wins when both are set.
   */
  POSTGRES_URL: optionalText(),
  /** The schema holding the orders tables (created when missing). */
  POSTGRES_SCHEMA: z
    .string()
    .regex(POSTGRES_SCHEMA_PATTERN, 'must be a lowercase SQL identifier (a-z, 0-9, _; not starting with a digit; at most 63 characters)')
    .default(DEFAULT_POSTGRES_SCHEMA),
  /** Without MONGO_URL or POSTGRES_URL: journal the store to `<DATA_DIR>/orders-service/` so it survives restarts. */
  DATA_DIR: optionalText(),
  /** Signs customer tracking tokens and admin tokens, and checks every bearer token. */
  ...jwtSecretConfig,
  /** The console's login. The default password is refused when NODE_ENV=production. */
  ADMIN_USERNAME: text('admin'),
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').default('change-me'),
  ADMIN_TOKEN_TTL_SECONDS: positiveInt(8 * 3600),
  /** How long a tracking link works. */
  CUSTOMER_TOKEN_TTL_SECONDS: positiveInt(30 * 24 * 3600),
  /** How often the outbox relay republishes events that are still pending. */
  OUTBOX_SWEEP_MS: positiveInt(1_000),
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
