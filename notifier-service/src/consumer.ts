import { EXCHANGES, orderEventSchema, type OrderEvent } from '@orderpulse/contracts';
import { createEventConsumer, type AmqpConnection, type EventConsumer, type Logger, type QueueBinding } from '@orderpulse/service-kit';

export const NOTIFIER_QUEUE = 'notifier';

/** `delivery.*` on the `delivery` exchange joins here, with its schema, when delivery events exist. */
export const NOTIFIER_BINDINGS: QueueBinding[] = [{ exchange: EXCHANGES.orders, pattern: 'order.*' }];

export interface NotifierConsumerOptions {
  connection: AmqpConnection;
  namespace: string;
  prefetch: number;
  retryDelayMs: number;
  handle: (event: OrderEvent) => Promise<void>;
  logger: Logger;
}

/** Queue `notifier` (namespaced, durable, dead-lettered to `notifier.dlq`), manual acks. */
export function createNotifierConsumer(options: NotifierConsumerOptions): EventConsumer<OrderEvent> {
  return createEventConsumer({
    connection: options.connection,
    namespace: options.namespace,
    queue: NOTIFIER_QUEUE,
    bindings: NOTIFIER_BINDINGS,
    schema: orderEventSchema,
    handle: options.handle,
    logger: options.logger,
    prefetch: options.prefetch,
    retryDelayMs: options.retryDelayMs,
  });
}
