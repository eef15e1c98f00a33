import type { OrderEvent } from '@orderpulse/contracts';
import type { OutboxStore } from '@orderpulse/service-kit';
import type { OrderRepository } from '../data-access/order-repository.js';

/** The order repository seen through the outbox relay's eyes: one outbox per order. */
export function orderOutboxStore(
  repository: Pick<OrderRepository, 'listWithPendingEvents' | 'findById' | 'removePendingEvent' | 'exclusiveDrain'>,
): OutboxStore<OrderEvent> {
  const { exclusiveDrain } = repository;
  return {
    ...(exclusiveDrain ? { exclusiveDrain: exclusiveDrain.bind(repository) } : {}),
    async idsWithPendingEvents(limit) {
      return (await repository.listWithPendingEvents(limit)).map((stored) => stored.order.id);
    },
    async pendingEventsOf(orderId) {
      return (await repository.findById(orderId))?.pendingEvents ?? [];
    },
    removePendingEvent: (orderId, eventId) => repository.removePendingEvent(orderId, eventId),
  };
}
