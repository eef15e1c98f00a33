import { createLogger, type Logger } from '@orderpulse/service-kit';
import { loadDeliveryConfig } from '../../src/config.js';
import { ORDER_EVENTS_QUEUE } from '../../src/messaging/order-events-consumer.js';
import { startDeliveryService, type DeliveryServiceOverrides, type RunningDeliveryService } from '../../src/service.js';
import { startAedes, type InProcessBroker } from './aedes-broker.js';

/** What a test run declares in RabbitMQ, for deleteAmqpNamespace. */
export const DELIVERY_QUEUES = [ORDER_EVENTS_QUEUE];

export function amqpUrl(): string {
  const url = process.env.AMQP_URL;
  if (!url) throw new Error('AMQP_URL is unset: run the tests through the root jest config, whose globalSetup finds RabbitMQ');
  return url;
}

export interface ServiceUnderTest {
  service: RunningDeliveryService;
  broker: InProcessBroker;
  close(): Promise<void>;
}

/** Real time, but strictly increasing, so deliveries created in the same millisecond still list in creation order. */
export function steppingClock(): () => Date {
  let last = 0;
  return () => {
    last = Math.max(Date.now(), last + 1);
    return new Date(last);
  };
}

/**
 * The real service on a free port with the in-memory store, the test run's RabbitMQ namespace
 * and its own in-process Aedes broker (unless one is given).
 */
export async function startServiceUnderTest(
  namespace: string,
  options: { env?: Record<string, string>; overrides?: DeliveryServiceOverrides; broker?: InProcessBroker; logger?: Logger } = {},
): Promise<ServiceUnderTest> {
  const broker = options.broker ?? (await startAedes());
  const config = loadDeliveryConfig({
    DELIVERY_PORT: '0',
    METRICS_PORT: '0',
    AMQP_URL: amqpUrl(),
    AMQP_NAMESPACE: namespace,
    MQTT_URL: broker.url,
    MQTT_CLIENT_ID: `delivery-${namespace}`,
    OUTBOX_SWEEP_MS: '200',
    ...options.env,
  });
  try {
    const service = await startDeliveryService(config, options.logger ?? createLogger('delivery-service-test', 'silent'), {
      clock: steppingClock(),
      consumerRetryDelayMs: 20,
      ...options.overrides,
    });
    return {
      service,
      broker,
      close: async () => {
        await service.close();
        if (!options.broker) await broker.close();
      },
    };
  } catch (err) {
    if (!options.broker) await broker.close();
    throw err;
  }
}

/** An admin token the service under test accepts. */
export function adminToken(sut: ServiceUnderTest): Promise<string> {
  return sut.service.tokens.sign({ role: 'admin', sub: 'test-admin' }, 600);
}
