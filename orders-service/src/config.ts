import { z } from 'zod';
import { commonConfig, DEFAULT_PORTS, loadConfig, optionalText, port, positiveInt, text } from '@orderpulse/service-kit';

export const ordersConfigShape = {
  ...commonConfig,
  ORDERS_PORT: port(DEFAULT_PORTS.ORDERS_PORT),
  HOST: text('127.0.0.1'),
  /** Unset: orders live in memory only (a warning says so at start-up). */
  MONGO_URL: optionalText(),
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

/** Throws service-kit's ConfigError naming every bad key. */
export function loadOrdersConfig(env: Record<string, string | undefined>) {
  return loadConfig(ordersConfigShape, env);
}
