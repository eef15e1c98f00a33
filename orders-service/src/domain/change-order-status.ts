import { canTransitionOrder, type OrderSnapshot, type OrderStatus } from '@orderpulse/contracts';
import { orderStatusChangedEvent } from './order-events.js';
import { ConcurrentUpdateError, InvalidTransitionError, OrderNotFoundError } from './order-errors.js';
import type { OrderUseCaseDeps } from './order-use-case-deps.js';

export interface StatusChange {
  orderId: string;
  status: OrderStatus;
  note?: string;
  /** Replaces the stored tracking number; omitted keeps it. */
  trackingNumber?: string;
}

const MAX_ATTEMPTS = 5;

/**
 * Read the order, check the state machine, then write the new state and its
 * order.status_changed event in one update guarded by the version that was read. If another
 * writer got there first, start again from a fresh read: the transition may have become
 * invalid (409) or may still apply to the newer state.
 */
export async function changeOrderStatus(deps: OrderUseCaseDeps, change: StatusChange): Promise<OrderSnapshot> {
  const { repository, outbox, clock, logger } = deps;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const current = await repository.findOrder(change.orderId);
    if (!current) throw new OrderNotFoundError(change.orderId);
    if (!canTransitionOrder(current.status, change.status)) throw new InvalidTransitionError(current.status, change.status);

    const next = applyStatusChange(current, change, clock());
    const event = orderStatusChangedEvent(current.status, next, change.note);
    if (await repository.update(next, current.version, event)) {
      logger.info({ orderId: next.id, eventId: event.id, from: current.status, to: next.status, version: next.version }, 'order status changed');
      outbox.kick(next.id);
      return next;
    }
    logger.debug({ orderId: change.orderId, expectedVersion: current.version, attempt }, 'order changed concurrently; re-reading');
  }
  throw new ConcurrentUpdateError(change.orderId, MAX_ATTEMPTS);
}

function applyStatusChange(order: OrderSnapshot, change: StatusChange, now: Date): OrderSnapshot {
  const at = now.toISOString();
  return {
    ...order,
    status: change.status,
    trackingNumber: change.trackingNumber ?? order.trackingNumber,
    history: [...order.history, { status: change.status, at, ...(change.note !== undefined ? { note: change.note } : {}) }],
    version: order.version + 1,
    updatedAt: at,
  };
}
