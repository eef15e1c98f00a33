import {
  CloserStack,
  countConsumedEvents,
  createAmqpConnection,
  createMetricsRegistry,
  createTokenService,
  listen,
  listenMetrics,
  namespaced,
  type Closer,
  type EventConsumer,
  type Logger,
  type Registry,
} from '@orderpulse/service-kit';
import { createMailApp } from './app.js';
import type { MailConfig } from './config.js';
import type { MailStore } from './data-access/mail-store.js';
import { openMailStore } from './data-access/open-mail-store.js';
import type { MailDeps } from './domain/mail-deps.js';
import { createResendSweeper, type ResendSweeper } from './domain/resend-sweeper.js';
import { createMailLinks } from './mail/mail-links.js';
import { createLogTransport, createSmtpTransport, type MailTransport } from './mail/mail-transport.js';
import { createUnsubscribeTokens, type UnsubscribeTokens } from './mail/unsubscribe-tokens.js';
import { createMailEventHandler } from './messaging/handle-mail-event.js';
import type { MailEvent } from './messaging/mail-event-schema.js';
import { createMailConsumer, MAIL_QUEUE } from './messaging/mail-events-consumer.js';
import { createMailMetrics } from './metrics.js';

export type MailSettings = Omit<MailConfig, 'LOG_LEVEL'>;

/** Replacements for what the service would otherwise build itself. What is passed in is not closed by close(). */
export interface MailServiceOverrides {
  store?: MailStore;
  transport?: MailTransport;
  clock?: () => Date;
  /** Redeliveries of an event for an order never seen, before it is acked without a mail. */
  unknownOrderAttempts?: number;
}

export interface RunningMailService {
  port: number;
  url: string;
  /** Prometheus text at `<metricsUrl>` (METRICS_PORT), never on the HTTP port. */
  metricsUrl: string;
  store: MailStore;
  consumer: EventConsumer<MailEvent>;
  sweeper: ResendSweeper;
  unsubscribeTokens: UnsubscribeTokens;
  registry: Registry;
  /** In shutdown order: HTTP, consumer, sweeper, transport, RabbitMQ, store. */
  closers: Closer[];
  close(): Promise<void>;
}

const DEFAULT_UNKNOWN_ORDER_ATTEMPTS = 5;
const RESEND_BATCH = 100;

/**
 * Opens the store and RabbitMQ, starts the consumer of queue `mail-service` and the sweeper
 * that resends pending mails, and listens. A dependency that is down rejects with service-kit's
 * DependencyUnavailableError after closing whatever was opened.
 */
export async function startMailService(config: MailSettings, logger: Logger, overrides: MailServiceOverrides = {}): Promise<RunningMailService> {
  const closers = new CloserStack(logger);
  try {
    const registry = createMetricsRegistry('mail-service');
    const metrics = createMailMetrics(registry);
    const store = overrides.store ?? (await openMailStore(config, logger));
    if (!overrides.store) closers.add('mail store', () => store.close());

    const connection = createAmqpConnection({ url: config.AMQP_URL, logger, name: namespaced(config.AMQP_NAMESPACE, 'mail-service') });
    closers.add('amqp', () => connection.close());
    await connection.waitUntilConnected(config.CONNECT_TIMEOUT_MS);

    const transport = overrides.transport ?? openTransport(config, logger);
    if (!overrides.transport) closers.add('mail transport', async () => transport.close());

    const unsubscribeTokens = createUnsubscribeTokens(config.JWT_SECRET, config.UNSUBSCRIBE_TOKEN_TTL_SECONDS);
    const deps: MailDeps = {
      store,
      transport,
      links: createMailLinks({
        tokens: createTokenService(config.JWT_SECRET),
        unsubscribeTokens,
        customerTokenTtlSeconds: config.CUSTOMER_TOKEN_TTL_SECONDS,
        publicWebUrl: config.PUBLIC_WEB_URL,
        publicMailUrl: config.PUBLIC_MAIL_URL,
      }),
      metrics,
      retry: { resendAfterMs: config.RESEND_AFTER_MS, maxAttempts: config.MAX_SEND_ATTEMPTS },
      clock: overrides.clock ?? (() => new Date()),
      logger,
    };

    const sweeper = createResendSweeper(deps, { intervalMs: config.RESEND_SWEEP_MS, batch: RESEND_BATCH });
    closers.add('resend sweeper', () => sweeper.stop());
    const consumer = createMailConsumer({
      connection,
      namespace: config.AMQP_NAMESPACE,
      prefetch: config.PREFETCH,
      retryDelayMs: config.RETRY_DELAY_MS,
      logger,
      handle: createMailEventHandler(deps, { unknownOrderAttempts: overrides.unknownOrderAttempts ?? DEFAULT_UNKNOWN_ORDER_ATTEMPTS }),
    });
    countConsumedEvents(registry, consumer, MAIL_QUEUE);
    closers.add('mail events consumer', () => consumer.stop());
    await consumer.start();
    sweeper.start();

    const app = createMailApp({
      ...deps,
      tokens: unsubscribeTokens,
      requestsPerMinute: config.UNSUBSCRIBE_REQUESTS_PER_MINUTE,
      registry,
      readiness: () => ({ amqp: connection.isConnected(), store: store.isReady() }),
      trustProxyHops: config.TRUST_PROXY_HOPS,
    });
    const server = await listen(app, config.MAIL_PORT, config.HOST);
    closers.add('HTTP server', () => server.close());
    const metricsServer = await listenMetrics(registry, config.METRICS_PORT, config.METRICS_HOST, logger);
    closers.add('metrics server', () => metricsServer.close());

    return {
      port: server.port,
      url: server.url,
      metricsUrl: `${metricsServer.url}/metrics`,
      store,
      consumer,
      sweeper,
      unsubscribeTokens,
      registry,
      closers: closers.closers,
      close: () => closers.closeAll(),
    };
  } catch (err) {
    await closers.closeAll();
    throw err;
  }
}

function openTransport(config: MailSettings, logger: Logger): MailTransport {
  if (config.SMTP_URL) return createSmtpTransport({ url: config.SMTP_URL, from: config.MAIL_FROM, timeoutMs: config.SMTP_TIMEOUT_MS });
  logger.warn('SMTP_URL is not set: mails are NOT SENT, only written to this log (refused when NODE_ENV=production)');
  return createLogTransport(config.MAIL_FROM, logger);
}
