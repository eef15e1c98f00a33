import { createLogger, createTokenService, DEV_JWT_SECRET, type Logger } from '@orderpulse/service-kit';
import { loadOrdersConfig } from '../../src/config.js';
import { startOrdersService, type OrdersServiceOverrides, type RunningOrdersService } from '../../src/service.js';

export function amqpUrl(): string {
  const url = process.env.AMQP_URL;
  if (!url) throw new Error('AMQP_URL is unset: run the tests through the root jest config, whose globalSetup finds RabbitMQ');
  return url;
}

/** Real time, but strictly increasing, so orders created in the same millisecond still list in creation order. */
export function steppingClock(): () => Date {
  let last = 0;
  return () => {
    last = Math.max(Date.now(), last + 1);
    return new Date(last);
  };
}

export interface ServiceUnderTestOptions {
  /** Settings on top of the test defaults, as environment variables. */
  env?: Record<string, string>;
  logger?: Logger;
}

/** The real service on a free port with the in-memory store and the test run's RabbitMQ namespace. */
export function startServiceUnderTest(
  namespace: string,
  overrides: OrdersServiceOverrides = {},
  options: ServiceUnderTestOptions = {},
): Promise<RunningOrdersService> {
  const config = loadOrdersConfig({
    ORDERS_PORT: '0',
    METRICS_PORT: '0',
    AMQP_URL: amqpUrl(),
    AMQP_NAMESPACE: namespace,
    OUTBOX_SWEEP_MS: '200',
    ...options.env,
  });
  return startOrdersService(config, options.logger ?? createLogger('orders-service-test', 'silent'), { clock: steppingClock(), ...overrides });
}

/** A token signed with the secret the service under test runs with (the development default). */
export function signTestToken(claims: Parameters<ReturnType<typeof createTokenService>['sign']>[0], ttlSeconds = 600): Promise<string> {
  return createTokenService(DEV_JWT_SECRET).sign(claims, ttlSeconds);
}

export const adminToken = () => signTestToken({ role: 'admin', sub: 'test-admin' });
