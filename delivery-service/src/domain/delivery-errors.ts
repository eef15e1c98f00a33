import { allowedDeliveryTransitions, type DeliveryStatus } from '@orderpulse/contracts';
import { DomainError } from '@orderpulse/service-kit';

export class DeliveryNotFoundError extends DomainError {
  constructor(deliveryId: string) {
    super('not_found', `delivery ${deliveryId} not found`);
  }
}

export class RiderNotFoundError extends DomainError {
  constructor(riderId: string) {
    super('not_found', `rider ${riderId} not found`);
  }
}

export class InvalidDeliveryTransitionError extends DomainError {
  constructor(readonly from: DeliveryStatus, readonly to: DeliveryStatus) {
    const allowed = allowedDeliveryTransitions(from);
    const next = allowed.length ? `allowed next: ${allowed.join(', ')}` : `${from} is final`;
    super('conflict', `cannot change a delivery from ${from} to ${to} (${next})`, { details: { from, to, allowed } });
  }
}

/** Other writers kept changing the delivery between our read and our write. */
export class ConcurrentDeliveryUpdateError extends DomainError {
  constructor(deliveryId: string, attempts: number) {
    super('contended', `delivery ${deliveryId} changed concurrently ${attempts} times in a row; retry the request`, { details: { deliveryId } });
  }
}

export class RiderAlreadyExistsError extends DomainError {
  constructor(riderId: string) {
    super('conflict', `rider ${riderId} already exists`, { details: { riderId } });
  }
}

/** A rider reported on a delivery that is not (or no longer) theirs. */
export class DeliveryNotAssignedError extends DomainError {
  constructor(riderId: string, deliveryId: string) {
    super('conflict', `delivery ${deliveryId} is not assigned to rider ${riderId}`, { details: { riderId, deliveryId } });
  }
}

/** A rider sent a location while picking up or carrying nothing. */
export class NoDeliveryInProgressError extends DomainError {
  constructor(riderId: string) {
    super('conflict', `rider ${riderId} has no delivery picked up or in transit`, { details: { riderId } });
  }
}

/**
 * A shipped order whose order.created this service has not seen (yet). Not a DomainError: the
 * order may still arrive, so the order-events handler decides how often to retry before it gives
 * the event up as unprocessable.
 */
export class OrderNotKnownError extends Error {
  constructor(readonly orderId: string) {
    super(`order ${orderId} is unknown: its order.created has not been received`);
    this.name = 'OrderNotKnownError';
  }
}
