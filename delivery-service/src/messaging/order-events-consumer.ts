import { EXCHANGES, orderEventSchema, statusChangedKey, type OrderEvent } from '@orderpulse/contracts';
import { createEventConsumer, type AmqpConnection, type EventConsumer, type Logger, type QueueBinding } from '@orderpulse/service-kit';

export const ORDER_EVENTS_QUEUE = 'delivery-service.orders';
/** order.created for the address, and only the status change that creates a delivery (handle-order-event.ts). */
export const ORDER_EVENTS_BINDINGS: QueueBinding[] = [
  { exchange: EXCHANGES.orders, pattern: 'order.created' },
  { exchange: EXCHANGES.orders, pattern: statusChangedKey.order('shipped') },
];
/** Every status change woke this service before, to ignore four in five of them. */
export const RETIRED_ORDER_EVENTS_BINDINGS: QueueBinding[] = [{ exchange: EXCHANGES.orders, pattern: 'order.status_changed' }];

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
    retiredBindings: RETIRED_ORDER_EVENTS_BINDINGS,
    schema: orderEventSchema,
    handle: options.handle,
    logger: options.logger,
    ...(options.retryDelayMs ? { retryDelayMs: options.retryDelayMs } : {}),
  });
}
