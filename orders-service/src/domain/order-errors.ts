import { allowedOrderTransitions, type OrderStatus } from '@orderpulse/contracts';
import { ConflictError, NotFoundError } from '@orderpulse/service-kit';

export class OrderNotFoundError extends NotFoundError {
  constructor(orderId: string) {
    super(`order ${orderId} not found`);
  }
}

export class InvalidTransitionError extends ConflictError {
  constructor(readonly from: OrderStatus, readonly to: OrderStatus) {
    const allowed = allowedOrderTransitions(from);
    const next = allowed.length ? `allowed next: ${allowed.join(', ')}` : `${from} is final`;
    super(`cannot change an order from ${from} to ${to} (${next})`, { from, to, allowed });
  }
}

/** Other writers kept changing the order between our read and our write. */
export class ConcurrentUpdateError extends ConflictError {
  constructor(orderId: string, attempts: number) {
    super(`order ${orderId} changed concurrently ${attempts} times in a row; retry the request`, { orderId });
  }
}

/** One message for a wrong email and an unknown order number, so lookups cannot probe which orders exist. */
export class TrackingLookupFailedError extends NotFoundError {
  constructor() {
    super('no order matches that order number and email');
  }
}
