import type { DeliveryEvent, DomainEvent, OrderEvent } from '@orderpulse/contracts';

export function isOrderEvent(event: DomainEvent): event is OrderEvent {
  return event.type === 'order.created' || event.type === 'order.status_changed';
}

/** One handler for the notifier's queue, which carries both `order.*` and `delivery.*`. */
export function routeEvent(handlers: {
  order: (event: OrderEvent) => Promise<void>;
  delivery: (event: DeliveryEvent) => Promise<void>;
}): (event: DomainEvent) => Promise<void> {
  return (event) => (isOrderEvent(event) ? handlers.order(event) : handlers.delivery(event));
}
