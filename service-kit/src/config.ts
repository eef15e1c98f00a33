import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads a typed config from an environment map; every key has an env name, default and check. */
export function loadConfig<S extends z.ZodRawShape>(
  shape: S,
  env: Record<string, string | undefined>,
): z.infer<z.ZodObject<S>> {
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
  AMQP_NAMESPACE: z.string().regex(/^[a-z0-9-]*$/).default(''),
};

export const DEFAULT_PORTS = {
  WEB_PORT: 3000,
  ORDERS_PORT: 3001,
  DELIVERY_PORT: 3002,
  NOTIFIER_PORT: 3003,
  BROKER_HTTP_PORT: 3004,
  MQTT_PORT: 1884,
  MQTT_WS_PORT: 8083,
} as const;
