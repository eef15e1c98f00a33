import { EXCHANGES, orderEventSchema, type OrderEvent } from '@orderpulse/contracts';
import { createEventConsumer, type AmqpConnection, type EventConsumer, type Logger, type QueueBinding } from '@orderpulse/service-kit';

export const ORDER_EVENTS_QUEUE = 'delivery-service.orders';
export const ORDER_EVENTS_BINDINGS: QueueBinding[] = [
  { exchange: EXCHANGES.orders, pattern: 'order.created' },
  { exchange: EXCHANGES.orders, pattern: 'order.status_changed' },
];

export interface OrderEventsConsumerOptions {
  connection: AmqpConnection;
  namespace: string;
  handle: (event: OrderEvent) => Promise<void>;
  logger: Logger;
  retryDelayMs?: number;
}

/** Queue `delivery-service.orders` (namespaced, durable, dead-lettered to its `.dlq`), manual acks. */
export function createOrderEventsConsumer(options: OrderEventsConsumerOptions): EventConsumer<OrderEvent> {
  return createEventConsumer({
    connection: options.connection,
    namespace: options.namespace,
    queue: ORDER_EVENTS_QUEUE,
    bindings: ORDER_EVENTS_BINDINGS,
    schema: orderEventSchema,
    handle: options.handle,
    logger: options.logger,
    ...(options.retryDelayMs ? { retryDelayMs: options.retryDelayMs } : {}),
  });
}
