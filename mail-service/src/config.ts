import { z } from 'zod';
import {
  commonConfig,
  ConfigError,
  DEFAULT_METRICS_PORTS,
  DEFAULT_PORTS,
  jwtSecretConfig,
  loadConfig,
  metricsConfig,
  mongoStoreConfig,
  optionalText,
  port,
  positiveInt,
  refuseDevSecretsInProduction,
  text,
} from '@orderpulse/service-kit';

const httpUrl = (fallback: string) =>
  z
    .url({ protocol: /^https?$/ })
    .default(fallback)
    .transform((url) => url.replace(/\/+$/, ''));

export const mailConfigShape = {
  ...commonConfig,
  /** GET /unsubscribe, /healthz, /readyz. */
  MAIL_PORT: port(DEFAULT_PORTS.MAIL_PORT),
  HOST: text('127.0.0.1'),
  ...metricsConfig(DEFAULT_METRICS_PORTS['mail-service']),
  /**
   * Where mails go out: `smtp://user:pass@host:587` (STARTTLS when the server offers it) or
   * `smtps://…:465` (TLS from the start); nodemailer's URL options apply. Unset: nothing is sent,
   * each mail is written to the log instead (development only; refused when NODE_ENV=production).
   */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/\S+$/, 'must be an smtp:// or smtps:// URL')
    .optional(),
  /** The sender every mail carries. */
  MAIL_FROM: text('orderpulse <no-reply@orderpulse.localhost>'),
  /** How long connecting, the greeting and each SMTP exchange may take before the attempt counts as failed. */
  SMTP_TIMEOUT_MS: positiveInt(20_000),
  /** Where customers open the tracking page: links are `<PUBLIC_WEB_URL>/track/<orderId>?t=<token>`. */
  PUBLIC_WEB_URL: httpUrl(`http://127.0.0.1:${DEFAULT_PORTS.WEB_PORT}`),
  /** Where customers reach this service's /unsubscribe (behind the TLS proxy: `https://<host>/api/mail`). */
  PUBLIC_MAIL_URL: httpUrl(`http://127.0.0.1:${DEFAULT_PORTS.MAIL_PORT}`),
  /** Signs the tracking links (customer tokens, as orders-service signs them) and, through a derived key, the unsubscribe links. */
  ...jwtSecretConfig,
  /** Lifetime of the customer token in a tracking link: orders-service's CUSTOMER_TOKEN_TTL_SECONDS. */
  CUSTOMER_TOKEN_TTL_SECONDS: positiveInt(30 * 24 * 3600),
  /** Lifetime of an unsubscribe link. */
  UNSUBSCRIBE_TOKEN_TTL_SECONDS: positiveInt(365 * 24 * 3600),
  /** GET/POST /unsubscribe requests one address may make per minute (429 past it, before the token is checked). */
  UNSUBSCRIBE_REQUESTS_PER_MINUTE: positiveInt(20),
  /** Proxies in front of this service whose X-Forwarded-For is trusted (compose: the TLS proxy, 1). */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).default(0),
  ...mongoStoreConfig,
  /** Without MONGO_URL: journal the ledger to files in `<DATA_DIR>/mail-service/` so it survives restarts. */
  DATA_DIR: optionalText(),
  /** A mail still unsent this long after its last attempt (a crash, or SMTP down) is tried again; above SMTP_TIMEOUT_MS × 3. */
  RESEND_AFTER_MS: positiveInt(120_000),
  /** How often unsent mails are looked for. */
  RESEND_SWEEP_MS: positiveInt(15_000),
  /** Attempts per mail before it is given up (logged as an error, counted as failed); the wait doubles after each. */
  MAX_SEND_ATTEMPTS: positiveInt(8),
  /** Unacked events in flight at once. */
  PREFETCH: positiveInt(16),
  /** Pause before an event whose handling failed (store down) is put back on the queue. */
  RETRY_DELAY_MS: positiveInt(500),
  /** How long start-up waits for RabbitMQ before giving up. */
  CONNECT_TIMEOUT_MS: positiveInt(5_000),
};

export type MailConfig = ReturnType<typeof loadMailConfig>;

/** Throws service-kit's ConfigError naming every bad key; production refuses the dev JWT secret and a missing SMTP_URL. */
export function loadMailConfig(env: Record<string, string | undefined>) {
  const config = refuseDevSecretsInProduction(loadConfig(mailConfigShape, env));
  if (config.NODE_ENV === 'production' && !config.SMTP_URL) {
    throw new ConfigError(['SMTP_URL: required when NODE_ENV=production (without it mails are only written to the log)']);
  }
  if (config.RESEND_AFTER_MS <= 3 * config.SMTP_TIMEOUT_MS) {
    throw new ConfigError([
      `RESEND_AFTER_MS: must be above 3 × SMTP_TIMEOUT_MS (${3 * config.SMTP_TIMEOUT_MS}), or a slow send would be tried again while it still runs`,
    ]);
  }
  return config;
}
