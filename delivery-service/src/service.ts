import type { DeliveryEvent, OrderEvent } from '@orderpulse/contracts';
import {
  type AmqpConnection,
  CloserStack,
  createRateLimitedLog,
  createTokenService,
  HopKeeper,
  type EventConsumer,
  listen,
  listenMetrics,
  type Logger,
  openEventPipeline,
  OutboxRelay,
  type Registry,
  type TokenService,
} from '@orderpulse/service-kit';
import { createServiceCredentials } from '@orderpulse/service-kit/mqtt';
import { createDeliveryApp } from './app.js';
import type { DeliveryConfig } from './config.js';
import type { DeliveryStore } from './data-access/delivery-store.js';
import { openDeliveryStore } from './data-access/open-delivery-store.js';
import type { DeliveryUseCaseDeps } from './domain/delivery-use-case-deps.js';
import { createRiderMessageHandler } from './ingest/rider-message-handler.js';
import { createRiderIngest, type RiderIngest } from './ingest/rider-ingest.js';
import { startLatenessSweep, type LatenessSweep } from './domain/lateness.js';
import { createOrderEventHandler } from './messaging/handle-order-event.js';
import { createOrderEventsConsumer, ORDER_EVENTS_QUEUE } from './messaging/order-events-consumer.js';
import { instrumentIntakes } from './metrics.js';
import { createFolderProofFiles } from './data-access/proof-files.js';
import { startTrackPruner } from './track/track-pruner.js';
import { keepReceiptHop } from './hops/hop-history.js';

/** Replacements for what the service would otherwise build itself. What is passed in is not closed by close(). */
export interface DeliveryServiceOverrides {
  store?: DeliveryStore;
  publisher?: { publish(event: DeliveryEvent): Promise<void> };
  clock?: () => Date;
  /** Pause before an order event whose handling failed is put back on the queue. */
  consumerRetryDelayMs?: number;
  /** Redeliveries of a shipped order whose order.created was never seen, before it is dead-lettered. */
  unknownOrderAttempts?: number;
}

export interface RunningDeliveryService {
  port: number;
  url: string;
  /** Prometheus text at `<metricsUrl>` (METRICS_PORT), never on the API port. */
  metricsUrl: string;
  store: DeliveryStore;
  relay: OutboxRelay<DeliveryEvent>;
  /** Consumes order.created / order.status_changed (queue `delivery-service.orders`). */
  consumer: EventConsumer<OrderEvent>;
  ingest: RiderIngest;
  /** Issue 18 point 5: the periodic check that marks deliveries late when their window ends. */
  lateness: LatenessSweep;
  tokens: TokenService;
  connection: AmqpConnection;
  registry: Registry;
  /** Closes, in this order: HTTP, rider ingest, consumer, relay, publisher, RabbitMQ, store. */
  close(): Promise<void>;
}

const DEFAULT_UNKNOWN_ORDER_ATTEMPTS = 20;

/**
 * Opens the store, RabbitMQ and the MQTT broker, starts the outbox relay, the order-events
 * consumer and the rider ingest, and listens. A dependency that is down rejects with
 * service-kit's DependencyUnavailableError after closing whatever was opened.
 */
export async function startDeliveryService(config: DeliveryConfig, logger: Logger, overrides: DeliveryServiceOverrides = {}): Promise<RunningDeliveryService> {
  const closers = new CloserStack(logger);
  try {
    const tokens = createTokenService(config.JWT_SECRET);
    const store = overrides.store ?? (await openDeliveryStore(config, logger));
    if (!overrides.store) closers.add('delivery store', () => store.close());

    const { connection, registry, relay, confirmReceipts } = await openEventPipeline<DeliveryEvent>({
      service: 'delivery-service',
      amqpUrl: config.AMQP_URL,
      namespace: config.AMQP_NAMESPACE,
      connectTimeoutMs: config.CONNECT_TIMEOUT_MS,
      logger,
      closers,
      store: store.deliveries,
      countPendingEvents: () => store.deliveries.countPendingEvents(),
      sweepIntervalMs: config.OUTBOX_SWEEP_MS,
      sweepGraceMs: config.OUTBOX_SWEEP_GRACE_MS,
      aggregateIdField: 'deliveryId',
      ...(overrides.publisher ? { publisher: overrides.publisher } : {}),
    });

    const deps: DeliveryUseCaseDeps = {
      store,
      outbox: relay,
      clock: overrides.clock ?? (() => new Date()),
      logger,
      averageSpeedKmh: config.AVERAGE_SPEED_KMH,
      arrivalRadiusM: config.ARRIVAL_RADIUS_M,
      proofPolicy: { shopProof: config.PROOF_OF_DELIVERY, maxPinAttempts: config.PIN_MAX_ATTEMPTS },
      proofFiles: config.PROOF_DIR ? createFolderProofFiles(config.PROOF_DIR) : store.proofFiles,
      reportTimeLimits: { maxFutureSkewMs: config.RIDER_REPORT_MAX_FUTURE_SECONDS * 1000, maxAgeMs: config.RIDER_REPORT_MAX_AGE_SECONDS * 1000 },
      positions: store.positions,
      hops: store.hops,
    };
    // Issue 17 point 4: each event's write and RabbitMQ's confirm of it, every receipt, kept for the order's replay.
    const hopKeeper = new HopKeeper(deps);
    closers.add('hop keeper', () => hopKeeper.close());
    relay.on('published', (event, confirmedAtMs) => hopKeeper.keepEvent(event, confirmedAtMs));
    const trackRetention = { maxPerDelivery: config.POSITION_HISTORY_MAX_PER_DELIVERY, retentionDays: config.POSITION_HISTORY_RETENTION_DAYS };
    const pruner = startTrackPruner({ ...deps, trackRetention }, config.POSITION_HISTORY_PRUNE_MS);
    closers.add('track pruner', async () => pruner.stop());

    const consumer = createOrderEventsConsumer({
      connection,
      namespace: config.AMQP_NAMESPACE,
      logger,
      handle: createOrderEventHandler(deps, { unknownOrderAttempts: overrides.unknownOrderAttempts ?? DEFAULT_UNKNOWN_ORDER_ATTEMPTS }),
      ...(overrides.consumerRetryDelayMs ? { retryDelayMs: overrides.consumerRetryDelayMs } : {}),
    });
    closers.add('order events consumer', () => consumer.stop());

    const reportLog = createRateLimitedLog({ logger, linesPerSecond: config.REFUSAL_LOG_LINES_PER_SECOND });
    closers.add('rider report log', async () => reportLog.close());
    const ingest = createRiderIngest({
      url: config.MQTT_URL,
      clientId: config.MQTT_CLIENT_ID,
      credentials: createServiceCredentials({
        tokens,
        service: 'delivery-service',
        ttlSeconds: config.SERVICE_TOKEN_TTL_SECONDS,
        settings: 'that it shares JWT_SECRET with delivery-service',
      }),
      handle: createRiderMessageHandler(deps, { log: reportLog }),
      receipts: (topic, payload) => keepReceiptHop(hopKeeper, logger, topic, payload),
      logger,
      connectTimeoutMs: config.CONNECT_TIMEOUT_MS,
    });
    instrumentIntakes(registry, ingest, consumer, ORDER_EVENTS_QUEUE);
    closers.add('rider ingest', () => ingest.stop());
    await ingest.start();
    await consumer.start();

    const app = createDeliveryApp({
      ...deps,
      tokens,
      riderTokenTtlSeconds: config.RIDER_TOKEN_TTL_SECONDS,
      proofMaxBytes: config.PROOF_MAX_BYTES,
      registry,
      readiness: () => ({ amqp: connection.isConnected(), mqtt: ingest.isConnected(), store: store.isReady() }),
      corsOrigins: config.CORS_ORIGINS,
      trackRetention,
      customerTrackAfterDelivery: config.CUSTOMER_TRACK_AFTER_DELIVERY,
      confirmReceipts,
    });
    const server = await listen(app, config.DELIVERY_PORT, config.HOST);
    closers.add('HTTP server', () => server.close());
    const metricsServer = await listenMetrics(registry, config.METRICS_PORT, config.METRICS_HOST, logger);
    closers.add('metrics server', () => metricsServer.close());
    relay.start();
    const lateness = startLatenessSweep(deps, { intervalMs: config.LATENESS_CHECK_MS, batch: config.LATENESS_CHECK_BATCH });
    closers.add('lateness sweep', () => lateness.stop());

    return {
      port: server.port,
      url: server.url,
      metricsUrl: `${metricsServer.url}/metrics`,
      store,
      relay,
      consumer,
      ingest,
      lateness,
      tokens,
      connection,
      registry,
      close: () => closers.closeAll(),
    };
  } catch (err) {
    await closers.closeAll();
    throw err;
  }
}
