import { allowedOrderTransitions, type OrderStatus } from '@orderpulse/contracts';
import { DomainError } from '@orderpulse/service-kit';

export class OrderNotFoundError extends DomainError {
  constructor(orderId: string) {
    super('not_found', `order ${orderId} not found`);
  }
}

export class InvalidTransitionError extends DomainError {
  constructor(
    readonly from: OrderStatus,
    readonly to: OrderStatus,
  ) {
    const allowed = allowedOrderTransitions(from);
    const next = allowed.length ? `allowed next: ${allowed.join(', ')}` : `${from} is final`;
    super('conflict', `cannot change an order from ${from} to ${to} (${next})`, { details: { from, to, allowed } });
  }
}

/** Other writers kept changing the order between our read and our write. */
export class ConcurrentUpdateError extends DomainError {
  constructor(orderId: string, attempts: number) {
    super('contended', `order ${orderId} changed concurrently ${attempts} times in a row; retry the request`, { details: { orderId } });
  }
}

/** One message for a wrong email and an unknown order number, so lookups cannot probe which orders exist. */
export class TrackingLookupFailedError extends DomainError {
  constructor() {
    super('not_found', 'no order matches that order number and email');
  }
}

/** Issue 18 point 5: a promised delivery window that cannot be kept (ended already, too far ahead, too long). */
export class InvalidDeliveryWindowError extends DomainError {
  constructor(problem: string) {
    super('invalid', `deliveryWindow: ${problem}`, { code: 'invalid_delivery_window', details: { field: 'deliveryWindow' } });
  }
}
