import * as amqplib from 'amqplib';
import { createLogger, namespaced, type Logger } from '@orderpulse/service-kit';
import { rawPublishOptions } from '@orderpulse/service-kit/testing';
import { loadMailConfig } from '../../src/config.js';
import { MAIL_QUEUE } from '../../src/messaging/mail-events-consumer.js';
import { startMailService, type MailServiceOverrides, type RunningMailService } from '../../src/service.js';
import { PUBLIC_WEB_URL, TEST_SECRET } from './mail-deps-under-test.js';

/** What a test run declares in RabbitMQ, for deleteAmqpNamespace. */
export const MAIL_QUEUES = [MAIL_QUEUE];

export function amqpUrl(): string {
  const url = process.env.AMQP_URL;
  if (!url) throw new Error('AMQP_URL is unset: run the tests through the root jest config, whose globalSetup finds RabbitMQ');
  return url;
}

/** The real service on free ports, with the test run's RabbitMQ namespace, mailing `smtpUrl`. */
export async function startServiceUnderTest(
  namespace: string,
  smtpUrl: string,
  options: { env?: Record<string, string>; overrides?: MailServiceOverrides; logger?: Logger } = {},
): Promise<RunningMailService> {
  const config = loadMailConfig({
    MAIL_PORT: '0',
    METRICS_PORT: '0',
    AMQP_URL: amqpUrl(),
    AMQP_NAMESPACE: namespace,
    SMTP_URL: smtpUrl,
    JWT_SECRET: TEST_SECRET,
    PUBLIC_WEB_URL,
    RETRY_DELAY_MS: '20',
    ...options.env,
  });
  return startMailService(config, options.logger ?? createLogger('mail-service-test', 'silent'), options.overrides);
}

export interface RawEventPublisher {
  /** Publishes `message` (an object is sent as JSON) on the namespaced `orders` or `delivery` exchange, as the services' outboxes would (rawPublishOptions). */
  publish(exchange: 'orders' | 'delivery', routingKey: string, message: unknown): Promise<void>;
  /** Messages waiting in `<queue>.dlq`. */
  deadLetterCount(): Promise<number>;
  close(): Promise<void>;
}

export async function rawEventPublisher(url: string, namespace: string): Promise<RawEventPublisher> {
  const connection = await amqplib.connect(url);
  const channel = await connection.createConfirmChannel();
  for (const exchange of ['orders', 'delivery']) await channel.assertExchange(namespaced(namespace, exchange), 'topic', { durable: true });
  return {
    async publish(exchange, routingKey, message) {
      const body = Buffer.from(typeof message === 'string' ? message : JSON.stringify(message));
      channel.publish(namespaced(namespace, exchange), routingKey, body, rawPublishOptions(message));
      await channel.waitForConfirms();
    },
    async deadLetterCount() {
      return (await channel.checkQueue(`${namespaced(namespace, MAIL_QUEUE)}.dlq`)).messageCount;
    },
    close: () => connection.close(),
  };
}
