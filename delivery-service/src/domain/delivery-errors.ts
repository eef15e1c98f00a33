import { allowedDeliveryTransitions, type DeliveryStatus } from '@orderpulse/contracts';
import { ConflictError, NotFoundError } from '@orderpulse/service-kit';

export class DeliveryNotFoundError extends NotFoundError {
  constructor(deliveryId: string) {
    super(`delivery ${deliveryId} not found`);
  }
}

export class RiderNotFoundError extends NotFoundError {
  constructor(riderId: string) {
    super(`rider ${riderId} not found`);
  }
}

export class InvalidDeliveryTransitionError extends ConflictError {
  constructor(readonly from: DeliveryStatus, readonly to: DeliveryStatus) {
    const allowed = allowedDeliveryTransitions(from);
    const next = allowed.length ? `allowed next: ${allowed.join(', ')}` : `${from} is final`;
    super(`cannot change a delivery from ${from} to ${to} (${next})`, { from, to, allowed });
  }
}

/** Other writers kept changing the delivery between our read and our write. */
export class ConcurrentDeliveryUpdateError extends ConflictError {
  constructor(deliveryId: string, attempts: number) {
    super(`delivery ${deliveryId} changed concurrently ${attempts} times in a row; retry the request`, { deliveryId });
  }
}

export class RiderAlreadyExistsError extends ConflictError {
  constructor(riderId: string) {
    super(`rider ${riderId} already exists`, { riderId });
  }
}

/** A rider reported on a delivery that is not (or no longer) theirs. */
export class DeliveryNotAssignedError extends ConflictError {
  constructor(riderId: string, deliveryId: string) {
    super(`delivery ${deliveryId} is not assigned to rider ${riderId}`, { riderId, deliveryId });
  }
}

/** A rider sent a location while picking up or carrying nothing. */
export class NoDeliveryInProgressError extends ConflictError {
  constructor(riderId: string) {
    super(`rider ${riderId} has no delivery picked up or in transit`, { riderId });
  }
}

/** A shipped order whose order.created this service has not seen (yet). */
export class OrderNotKnownError extends Error {
  constructor(readonly orderId: string) {
    super(`order ${orderId} is unknown: its order.created has not been received`);
    this.name = 'OrderNotKnownError';
  }
}
