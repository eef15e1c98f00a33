import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads a typed config from an environment map; every key has an env name, default and check. */
export function loadConfig<S extends z.ZodRawShape>(shape: S, env: Record<string, string | undefined>): z.infer<z.ZodObject<S>> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = z.object(shape).safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return parsed.data;
}

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
export const text = (fallback: string) => z.string().default(fallback);
export const optionalText = () => z.string().optional();
export const positiveInt = (fallback: number) => z.coerce.number().int().min(1).default(fallback);
export const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

/** Settings every service shares; each service spreads these into its own shape. */
export const commonConfig = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  AMQP_URL: text('amqp://guest:guest@127.0.0.1:5672'),
  /** Prefix for exchanges and queues, so several systems (or test runs) can share one RabbitMQ. */
  AMQP_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9-]*$/)
    .default(''),
};

/** Where a service keeps its aggregates when it runs on MongoDB (orders-service, delivery-service). */
export const mongoStoreConfig = {
  /**
   * The production store (e.g. mongodb://host:27017/orders); several instances share one
   * database. Unset: memory, journaled to DATA_DIR when that is set.
   */
  MONGO_URL: optionalText(),
  /**
   * At most this many operations in flight at once (the driver's maxPoolSize); unset: the
   * driver's 100. FerretDB 1.24 on PostgreSQL deadlocks when more operations reach it at once
   * than its PostgreSQL pool has connections, so the test harness sets it low.
   */
  MONGO_MAX_POOL_SIZE: z.coerce.number().int().min(1).optional(),
};

/** The outbox relay's settings, for every service that writes events through an outbox. */
export const outboxRelayConfig = {
  /** How often the outbox relay republishes events that are still pending. */
  OUTBOX_SWEEP_MS: positiveInt(1_000),
  /**
   * Sweeps leave events written less than this long ago to the instance that wrote them (it is
   * publishing them already), so instances sharing one outbox do not publish each other's fresh
   * events twice. 0 turns it off.
   */
  OUTBOX_SWEEP_GRACE_MS: z.coerce.number().int().min(0).default(1_000),
};

/**
 * How long a finished order's replay history is kept (issue 17 point 4): delivery-service's rider
 * positions and hop times, orders-service's confirm times. One setting for both services.
 */
export const replayHistoryConfig = {
  /** Days a delivery's positions, or an order's hop times, are kept after the last one was. */
  POSITION_HISTORY_RETENTION_DAYS: positiveInt(30),
  /** How often what is past its retention is pruned. */
  POSITION_HISTORY_PRUNE_MS: positiveInt(3_600_000),
};

/** Where each process serves /metrics (its own port, never the public one), by service. */
export const DEFAULT_METRICS_PORTS = {
  'web-client': 9400,
  'orders-service': 9401,
  'delivery-service': 9402,
  'notifier-service': 9403,
  broker: 9404,
  'mail-service': 9405,
} as const;

/**
 * `/metrics` is served only on METRICS_PORT, a port of its own that no proxy or load balancer
 * routes to, and by default only on the loopback interface: set METRICS_HOST=0.0.0.0 where
 * Prometheus scrapes from another host or container (and do not publish the port).
 */
export const metricsConfig = (defaultPort: number) => ({
  METRICS_PORT: port(defaultPort),
  METRICS_HOST: text('127.0.0.1'),
});

/** A Redis shared by several instances of one service; unset keeps that state in each process's memory. */
export const sharedRedisConfig = {
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
    .optional(),
  /** Prefix for Redis keys, so several deployments (or test runs) can share one Redis. */
  REDIS_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9-]*$/, 'only a-z, 0-9 and -')
    .default(''),
};

export const DEFAULT_PORTS = {
  WEB_PORT: 3000,
  ORDERS_PORT: 3001,
  DELIVERY_PORT: 3002,
  NOTIFIER_PORT: 3003,
  BROKER_HTTP_PORT: 3004,
  MAIL_PORT: 3005,
  MQTT_PORT: 1884,
  MQTT_WS_PORT: 8083,
} as const;
