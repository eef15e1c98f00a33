import type { DeliveryStatusChangedEvent, OrderEvent } from '@orderpulse/contracts';
import {
  type AmqpConnection,
  CloserStack,
  countConsumedEvents,
  createTokenService,
  HopKeeper,
  startHopHistoryPruner,
  type EventConsumer,
  type EventPublisher,
  listen,
  listenMetrics,
  type Logger,
  openEventPipeline,
  OutboxRelay,
  type Registry,
} from '@orderpulse/service-kit';
import { createOrdersApp } from './app.js';
import type { OrdersConfig } from './config.js';
import { openOrderRepository } from './data-access/open-order-repository.js';
import type { OrderRepository } from './data-access/order-repository.js';
import { createDeliveryEventsConsumer, DELIVERY_EVENTS_QUEUE } from './messaging/delivery-events-consumer.js';
import { createOrderAccess } from './auth/order-access.js';
import { openAttemptGuards } from './auth/attempt-limiters.js';

export type { OrdersConfig } from './config.js';
export { loadOrdersConfig } from './config.js';

/** Replacements for what the service would otherwise build itself. What is passed in is not closed by close(). */
export interface OrdersServiceOverrides {
  repository?: OrderRepository;
  publisher?: Pick<EventPublisher, 'publish'>;
  /** Pause before a delivery event whose handling failed is put back on the queue. */
  consumerRetryDelayMs?: number;
  clock?: () => Date;
}

export interface RunningOrdersService {
  port: number;
  url: string;
  /** Prometheus text at `<metricsUrl>` (METRICS_PORT), never on the API port. */
  metricsUrl: string;
  repository: OrderRepository;
  relay: OutboxRelay<OrderEvent>;
  /** Consumes `delivery.status_changed` (queue `orders-service.delivery`) to move orders along. */
  deliveryConsumer: EventConsumer<DeliveryStatusChangedEvent>;
  connection: AmqpConnection;
  registry: Registry;
  /** Closes, in this order: HTTP, delivery consumer, relay, publisher, RabbitMQ, store. */
  close(): Promise<void>;
}

const AMQP_CONNECT_TIMEOUT_MS = 5_000;

/**
 * Opens the store, RabbitMQ (and Redis for the attempt limits when REDIS_URL is set), starts the outbox relay and listens. A dependency that is down
 * rejects with service-kit's DependencyUnavailableError after closing whatever was opened.
 */
export async function startOrdersService(config: OrdersConfig, logger: Logger, overrides: OrdersServiceOverrides = {}): Promise<RunningOrdersService> {
  const closers = new CloserStack(logger);
  try {
    const repository = overrides.repository ?? (await openOrderRepository(config, logger));
    if (!overrides.repository) closers.add('order store', () => repository.close());

    const { connection, registry, relay, confirmReceipts } = await openEventPipeline<OrderEvent>({
      service: 'orders-service',
      amqpUrl: config.AMQP_URL,
      namespace: config.AMQP_NAMESPACE,
      connectTimeoutMs: AMQP_CONNECT_TIMEOUT_MS,
      logger,
      closers,
      store: repository,
      countPendingEvents: () => repository.countPendingEvents(),
      sweepIntervalMs: config.OUTBOX_SWEEP_MS,
      sweepGraceMs: config.OUTBOX_SWEEP_GRACE_MS,
      aggregateIdField: 'orderId',
      ...(overrides.publisher ? { publisher: overrides.publisher } : {}),
    });

    // Issue 17 point 4: each order event's write and RabbitMQ's confirm of it, kept for the order's replay.
    const hopDeps = { hops: repository.hops, logger, clock: overrides.clock ?? (() => new Date()) };
    const hopKeeper = new HopKeeper(hopDeps);
    closers.add('hop keeper', () => hopKeeper.close());
    relay.on('published', (event, confirmedAtMs) => hopKeeper.keepEvent(event, confirmedAtMs));
    const hopPruner = startHopHistoryPruner(hopDeps, config.POSITION_HISTORY_RETENTION_DAYS, config.POSITION_HISTORY_PRUNE_MS);
    closers.add('hop history pruner', async () => hopPruner.stop());

    const deps = {
      repository,
      outbox: relay,
      clock: overrides.clock ?? (() => new Date()),
      logger,
      defaultDeliveryWindowMinutes: config.DEFAULT_DELIVERY_WINDOW_MINUTES,
    };
    const deliveryConsumer = createDeliveryEventsConsumer({
      connection,
      namespace: config.AMQP_NAMESPACE,
      deps,
      ...(overrides.consumerRetryDelayMs ? { retryDelayMs: overrides.consumerRetryDelayMs } : {}),
    });
    countConsumedEvents(registry, deliveryConsumer, DELIVERY_EVENTS_QUEUE);
    closers.add('delivery events consumer', () => deliveryConsumer.stop());
    await deliveryConsumer.start();

    const app = createOrdersApp({
      ...deps,
      registry,
      readiness: () => ({ amqp: connection.isConnected(), store: repository.isReady() }),
      corsOrigins: config.CORS_ORIGINS,
      trustProxyHops: config.TRUST_PROXY_HOPS,
      confirmReceipts,
      hopRetentionDays: config.POSITION_HISTORY_RETENTION_DAYS,
      attemptGuards: await openAttemptGuards(config, logger, registry, closers),
      access: createOrderAccess({
        tokens: createTokenService(config.JWT_SECRET),
        admin: { username: config.ADMIN_USERNAME, password: config.ADMIN_PASSWORD },
        adminTokenTtlSeconds: config.ADMIN_TOKEN_TTL_SECONDS,
        customerTokenTtlSeconds: config.CUSTOMER_TOKEN_TTL_SECONDS,
      }),
    });
    const server = await listen(app, config.ORDERS_PORT, config.HOST);
    closers.add('HTTP server', () => server.close());
    const metricsServer = await listenMetrics(registry, config.METRICS_PORT, config.METRICS_HOST, logger);
    closers.add('metrics server', () => metricsServer.close());
    relay.start();

    return {
      port: server.port,
      url: server.url,
      metricsUrl: `${metricsServer.url}/metrics`,
      repository,
      relay,
      deliveryConsumer,
      connection,
      registry,
      close: () => closers.closeAll(),
    };
  } catch (err) {
    await closers.closeAll();
    throw err;
  }
}
