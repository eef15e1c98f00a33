import { domainEventSchema, EXCHANGES, type DomainEvent } from '@orderpulse/contracts';
import { createEventConsumer, type AmqpConnection, type EventConsumer, type Logger, type QueueBinding } from '@orderpulse/service-kit';

export const NOTIFIER_QUEUE = 'notifier';

/** One queue for both streams, so a customer's order and delivery updates share one consumer. */
export const NOTIFIER_BINDINGS: QueueBinding[] = [
  { exchange: EXCHANGES.orders, pattern: 'order.*' },
  { exchange: EXCHANGES.delivery, pattern: 'delivery.*' },
];

export interface NotifierConsumerOptions {
  connection: AmqpConnection;
  namespace: string;
  prefetch: number;
  retryDelayMs: number;
  handle: (event: DomainEvent) => Promise<void>;
  logger: Logger;
}

/** Queue `notifier` (namespaced, durable, dead-lettered to `notifier.dlq`), manual acks. */
export function createNotifierConsumer(options: NotifierConsumerOptions): EventConsumer<DomainEvent> {
  return createEventConsumer({
    connection: options.connection,
    namespace: options.namespace,
    queue: NOTIFIER_QUEUE,
    bindings: NOTIFIER_BINDINGS,
    schema: domainEventSchema,
    handle: options.handle,
    logger: options.logger,
    prefetch: options.prefetch,
    retryDelayMs: options.retryDelayMs,
  });
}
