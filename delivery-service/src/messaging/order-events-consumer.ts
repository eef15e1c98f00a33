import { EXCHANGES, orderEventSchema, orderStatusRoutingKey, type OrderEvent } from '@orderpulse/contracts';
import { createEventConsumer, type AmqpConnection, type EventConsumer, type Logger, type QueueBinding } from '@orderpulse/service-kit';

export const ORDER_EVENTS_QUEUE = 'delivery-service.orders';
/** What handle-order-event.ts acts on: new orders, and the change to shipped (by its CC key), not every status change. */
export const ORDER_EVENTS_BINDINGS: QueueBinding[] = [
  { exchange: EXCHANGES.orders, pattern: 'order.created' },
  { exchange: EXCHANGES.orders, pattern: orderStatusRoutingKey('shipped') },
];
/** Earlier releases took every status change; a queue they declared loses that binding at start. */
export const ORDER_EVENTS_RETIRED_BINDINGS: QueueBinding[] = [{ exchange: EXCHANGES.orders, pattern: 'order.status_changed' }];

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
    retiredBindings: ORDER_EVENTS_RETIRED_BINDINGS,
    schema: orderEventSchema,
    handle: options.handle,
    logger: options.logger,
    ...(options.retryDelayMs ? { retryDelayMs: options.retryDelayMs } : {}),
  });
}
