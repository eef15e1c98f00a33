import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '@orderpulse/contracts';
import {
  countConsumedEvents,
  createAmqpConnection,
  namespaced,
  createHttpApp,
  createMetricsRegistry,
  createTokenService,
  listen,
  listenMetrics,
  CloserStack,
  type EventConsumer,
  type Logger,
  type Registry,
} from '@orderpulse/service-kit';
import { createServiceCredentials } from '@orderpulse/service-kit/mqtt';
import type { NotifierConfig } from './config.js';
import { createNotifierConsumer, NOTIFIER_QUEUE } from './routing/consumer.js';
import { createEventHandler } from './routing/event-handler.js';
import { openNotifierLedger } from './ledger/open-ledger.js';
import { createNotifierMetrics } from './metrics.js';
import { connectMqttPublisher, type MqttPublisher } from './mqtt/mqtt-publisher.js';
import { guardAssignmentsSource } from './delivery-client/guarded-assignments-source.js';
import { createRiderAssignmentsClient } from './delivery-client/rider-assignments-client.js';
import { startSignalRelay } from './freshness/signal-relay.js';

export type NotifierSettings = Omit<NotifierConfig, 'NODE_ENV' | 'LOG_LEVEL'>;

export interface RunningNotifier {
  consumer: EventConsumer<DomainEvent>;
  publisher: MqttPublisher;
  registry: Registry;
  httpPort: number;
  url: string;
  /** Prometheus text at `<metricsUrl>` (METRICS_PORT), never on the health port. */
  metricsUrl: string;
  /** Closes, in this order: consumer (finishes in-flight messages), metrics, HTTP, MQTT, ledger, RabbitMQ. */
  close(): Promise<void>;
}

/**
 * Connects to RabbitMQ and the MQTT broker (either one unreachable: DependencyUnavailableError),
 * serves health (NOTIFIER_PORT) and metrics (METRICS_PORT), and starts consuming. Whatever started is closed again when a later
 * step fails.
 */
export async function startNotifier(config: NotifierSettings, logger: Logger): Promise<RunningNotifier> {
  const closers = new CloserStack(logger);
  try {
    const credentials = createServiceCredentials({
      tokens: createTokenService(config.JWT_SECRET),
      service: 'notifier',
      override: { username: config.MQTT_USERNAME, password: config.MQTT_PASSWORD },
    });
    const registry = createMetricsRegistry('notifier-service');
    const metrics = createNotifierMetrics(registry);

    const connection = createAmqpConnection({ url: config.AMQP_URL, logger, name: namespaced(config.AMQP_NAMESPACE, 'notifier-service') });
    closers.add('amqp', () => connection.close());
    await connection.waitUntilConnected(config.CONNECT_TIMEOUT_MS);

    const ledger = await openNotifierLedger(config, logger);
    closers.add('ledger', () => ledger.close());

    const publisher = await connectMqttPublisher({
      url: config.MQTT_URL,
      clientId: `notifier-${randomUUID().slice(0, 8)}`,
      credentials,
      logger,
      connectTimeoutMs: config.CONNECT_TIMEOUT_MS,
      publishTimeoutMs: config.MQTT_PUBLISH_TIMEOUT_MS,
      onPubAck: (_message, seconds) => metrics.pubAckSeconds.observe(seconds),
    });
    closers.add('mqtt', () => publisher.close());

    const signalRelay = await startSignalRelay({
      url: config.MQTT_URL,
      clientId: `notifier-signals-${randomUUID().slice(0, 8)}`,
      credentials,
      publisher,
      logger,
      metrics,
      connectTimeoutMs: config.CONNECT_TIMEOUT_MS,
      minIntervalMs: config.RIDER_SIGNAL_MIN_INTERVAL_MS,
    });
    closers.add('rider signals', () => signalRelay.close());

    const app = createHttpApp({
      logger,
      registry,
      readiness: () => ({ amqp: connection.isConnected(), mqtt: publisher.isConnected(), ...(ledger.shared && { redis: ledger.isReady() }) }),
    });
    const http = await listen(app, config.NOTIFIER_PORT, config.HOST);
    closers.add('http', () => http.close());
    const metricsServer = await listenMetrics(registry, config.METRICS_PORT, config.METRICS_HOST, logger);
    closers.add('metrics', () => metricsServer.close());

    const assignments = guardAssignmentsSource(
      createRiderAssignmentsClient({ baseUrl: config.DELIVERY_URL, token: credentials.current, timeoutMs: config.DELIVERY_TIMEOUT_MS }),
      { failuresToOpen: config.DELIVERY_BREAKER_MIN_REQUESTS, openMs: config.DELIVERY_BREAKER_OPEN_MS, windowMs: 10_000 },
      logger,
    );
    closers.add('delivery breaker', async () => assignments.close());
    const consumer = createNotifierConsumer({
      connection,
      namespace: config.AMQP_NAMESPACE,
      prefetch: config.PREFETCH,
      retryDelayMs: config.RETRY_DELAY_MS,
      logger,
      handle: createEventHandler({
        publisher,
        assignments,
        ledger,
        logger,
        metrics,
        maxPayloadBytes: config.MQTT_MAX_PAYLOAD_BYTES,
        privacy: { coarseMeters: config.LOCATION_COARSE_METERS, exactWithinKm: config.LOCATION_EXACT_WITHIN_KM },
      }),
    });
    countConsumedEvents(registry, consumer, NOTIFIER_QUEUE);
    closers.add('consumer', () => consumer.stop());
    await consumer.start();

    return { consumer, publisher, registry, httpPort: http.port, url: http.url, metricsUrl: `${metricsServer.url}/metrics`, close: () => closers.closeAll() };
  } catch (err) {
    await closers.closeAll();
    throw err;
  }
}
