import type { Logger } from '@orderpulse/service-kit';
import type { OrderRepository } from '../data-access/order-repository.js';

/** Tells the outbox relay that an order has a new pending event, so it need not wait for its next sweep. */
export interface OutboxNudge {
  kick(orderId: string): void;
}

export interface OrderUseCaseDeps {
  repository: OrderRepository;
  outbox: OutboxNudge;
  clock: () => Date;
  logger: Logger;
  /** Issue 18 point 5: the window promised when an order comes without one (from its creation, this many minutes long); 120 when absent. */
  defaultDeliveryWindowMinutes?: number;
}
