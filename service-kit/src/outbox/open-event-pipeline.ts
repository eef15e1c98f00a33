import type { DomainEvent } from '@orderpulse/contracts';
import { createAmqpConnection, type AmqpConnection } from '../amqp/connection.js';
import { createEventPublisher, type EventPublisher } from '../amqp/publisher.js';
import { namespaced } from '../amqp/topology.js';
import type { Logger } from '../logger.js';
import { createMetricsRegistry, type Registry } from '../metrics.js';
import type { CloserStack } from '../shutdown.js';
import { ConfirmReceipts } from './confirm-receipts.js';
import { createOutboxMetrics } from './outbox-metrics.js';
import { OutboxRelay } from './outbox-relay.js';
import type { OutboxStore } from './outbox-store.js';

export interface EventPipelineOptions<E extends DomainEvent> {
  /** Names the RabbitMQ connection (`<namespace>.<service>`) and labels the metrics. */
  service: string;
  amqpUrl: string;
  namespace: string;
  connectTimeoutMs: number;
  logger: Logger;
  /** Everything opened here is added to it, in shutdown order. */
  closers: CloserStack;
  store: OutboxStore<E>;
  countPendingEvents: () => Promise<number>;
  sweepIntervalMs: number;
  /** See OutboxRelayOptions.sweepGraceMs. */
  sweepGraceMs?: number;
  aggregateIdField: string;
  /** Replaces the confirm publisher (tests); not closed here. */
  publisher?: Pick<EventPublisher, 'publish'>;
}

export interface EventPipeline<E extends DomainEvent> {
  connection: AmqpConnection;
  registry: Registry;
  relay: OutboxRelay<E>;
  /** Issue 17 point 1: when RabbitMQ confirmed each recent event, per order (served to admins by the service). */
  confirmReceipts: ConfirmReceipts;
}

/**
 * What every event-writing service opens the same way: its RabbitMQ connection (waited for,
 * else DependencyUnavailableError), a confirm publisher, its metrics registry and the outbox
 * relay over its store. The relay is created stopped: start it once the service listens.
 */
export async function openEventPipeline<E extends DomainEvent>(options: EventPipelineOptions<E>): Promise<EventPipeline<E>> {
  const { logger, closers, namespace } = options;
  const connection = createAmqpConnection({ url: options.amqpUrl, logger, name: namespaced(namespace, options.service) });
  closers.add('RabbitMQ connection', () => connection.close());
  await connection.waitUntilConnected(options.connectTimeoutMs);

  let publisher = options.publisher;
  if (!publisher) {
    const own = createEventPublisher({ connection, namespace, logger });
    closers.add('event publisher', () => own.close());
    publisher = own;
  }

  const registry = createMetricsRegistry(options.service);
  const relay = new OutboxRelay<E>({
    store: options.store,
    publisher,
    logger,
    metrics: createOutboxMetrics(registry, options.countPendingEvents),
    sweepIntervalMs: options.sweepIntervalMs,
    ...(options.sweepGraceMs !== undefined ? { sweepGraceMs: options.sweepGraceMs } : {}),
    aggregateIdField: options.aggregateIdField,
  });
  closers.add('outbox relay', () => relay.stop());
  const confirmReceipts = new ConfirmReceipts();
  relay.on('published', (event, confirmedAtMs) => confirmReceipts.record(event, confirmedAtMs));
  // Events whose publish failed while RabbitMQ was away go out as soon as it is back, not at the
  // next sweep (and fresh ones too: the instance that wrote them saw its own publish fail).
  connection.manager.on('connect', () => void relay.sweep({ freshToo: true }));
  return { connection, registry, relay, confirmReceipts };
}
