import type { OrderCreatedEvent, OrderEvent, OrderFeedback, OrderSnapshot, OrderStatus } from '@orderpulse/contracts';
import type { HopHistory, OutboxStore } from '@orderpulse/service-kit';

/** An order as stored: its public snapshot plus the events not yet confirmed by RabbitMQ (the outbox). */
export interface StoredOrder {
  order: OrderSnapshot;
  pendingEvents: OrderEvent[];
}

/** Position in the newest-first listing: orders strictly older than this one come next. */
export interface ListPosition {
  createdAt: string;
  id: string;
}

export interface ListOrdersQuery {
  status?: OrderStatus;
  limit: number;
  after?: ListPosition;
}

export interface OrderPage {
  items: OrderSnapshot[];
  /** Present when more orders follow the last item. */
  next?: ListPosition;
}

export class DuplicateOrderNumberError extends Error {
  constructor(readonly orderNumber: string) {
    super(`order number ${orderNumber} is already taken`);
    this.name = 'DuplicateOrderNumberError';
  }
}

/**
 * Every write is one atomic single-document operation that stores the change together with
 * the event announcing it, so an event can never be lost or be published for a change that
 * was not saved. The repository is also the outbox the relay drains (one outbox per order).
 */
export interface OrderRepository extends OutboxStore<OrderEvent> {
  /** Inserts a new order with its order.created event pending. Throws DuplicateOrderNumberError. */
  insert(order: OrderSnapshot, created: OrderCreatedEvent): Promise<void>;
  /**
   * Replaces the order's state with `next` and appends `event` to its pending events, only if
   * the stored version is still `expectedVersion`. False when it is not (or the order is gone).
   */
  update(next: OrderSnapshot, expectedVersion: number, event: OrderEvent): Promise<boolean>;
  /** The order with its pending events (what the outbox has not published yet). */
  findById(id: string): Promise<StoredOrder | null>;
  /** The order alone: what every request reads, without its pending events. Read-only: the in-memory store hands out its own frozen value. */
  findOrder(id: string): Promise<OrderSnapshot | null>;
  findByOrderNumber(orderNumber: string): Promise<OrderSnapshot | null>;
  /** Newest first (createdAt, then id, descending). */
  list(query: ListOrdersQuery): Promise<OrderPage>;
  countPendingEvents(): Promise<number>;
  // Issue 18 point 7 (feedback): kept beside the order's state, without a new version or event.
  /**
   * Stores the customer's rating only if the order is delivered and not rated yet, in one
   * conditional write; otherwise says why not.
   */
  recordFeedback(orderId: string, feedback: OrderFeedback): Promise<FeedbackWrite>;
  /** The newest `limit` ratings, newest first. */
  listFeedback(limit: number): Promise<RatedOrder[]>;
  /** Issue 17 point 4: when RabbitMQ confirmed each order event, kept for the order's replay; absent: not kept. */
  hops?: HopHistory;
  isReady(): boolean;
  close(): Promise<void>;
}

// Issue 18 point 7.
export type FeedbackWrite = 'recorded' | 'not_found' | 'not_delivered' | 'already_rated';

export interface RatedOrder {
  orderId: string;
  orderNumber: string;
  feedback: OrderFeedback;
}
