import { deliveryStatusChangedEventSchema, EXCHANGES, statusChangedKey, type DeliveryStatusChangedEvent } from '@orderpulse/contracts';
import { createEventConsumer, type AmqpConnection, type EventConsumer, type QueueBinding } from '@orderpulse/service-kit';
import type { OrderUseCaseDeps } from '../domain/order-use-case-deps.js';
import { applyDeliveryProgress, STATUSES_THAT_MOVE_AN_ORDER } from './delivery-progress.js';

export const DELIVERY_EVENTS_QUEUE = 'orders-service.delivery';
/** Only the delivery statuses that move an order along. */
export const DELIVERY_EVENTS_BINDINGS: QueueBinding[] = STATUSES_THAT_MOVE_AN_ORDER.map((status) => ({
  exchange: EXCHANGES.delivery,
  pattern: statusChangedKey.delivery(status),
}));
export const RETIRED_DELIVERY_EVENTS_BINDINGS: QueueBinding[] = [{ exchange: EXCHANGES.delivery, pattern: 'delivery.status_changed' }];

export interface DeliveryEventsConsumerOptions {
  connection: AmqpConnection;
  namespace: string;
  deps: OrderUseCaseDeps;
  prefetch?: number;
  retryDelayMs?: number;
}

/**
 * Queue `orders-service.delivery` (namespaced, durable, dead-lettered): `delivery.status_changed`
 * moves orders along. Invalid messages go to the dead-letter queue; events that do not apply are
 * logged and acked; a failing store requeues the message.
 */
export function createDeliveryEventsConsumer(options: DeliveryEventsConsumerOptions): EventConsumer<DeliveryStatusChangedEvent> {
  const { deps } = options;
  return createEventConsumer({
    connection: options.connection,
    namespace: options.namespace,
    queue: DELIVERY_EVENTS_QUEUE,
    bindings: DELIVERY_EVENTS_BINDINGS,
    retiredBindings: RETIRED_DELIVERY_EVENTS_BINDINGS,
    schema: deliveryStatusChangedEventSchema,
    logger: deps.logger,
    handle: async (event) => void (await applyDeliveryProgress(deps, event)),
    ...(options.prefetch ? { prefetch: options.prefetch } : {}),
    ...(options.retryDelayMs ? { retryDelayMs: options.retryDelayMs } : {}),
  });
}
