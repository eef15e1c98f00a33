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
  constructor(
    readonly from: DeliveryStatus,
    readonly to: DeliveryStatus,
  ) {
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

/** "Delivered" without the proof the delivery needs (a PIN, photo or signature not given yet). */
export class ProofMissingError extends DomainError {
  constructor(deliveryId: string, required: string) {
    const what = required === 'pin' ? "the customer's PIN entered" : `a ${required} of the handover`;
    super('conflict', `delivery ${deliveryId} needs ${what} before it can be marked delivered`, { code: 'proof_required', details: { deliveryId, required } });
  }
}

/** A proof of a kind this delivery does not ask for (a PIN where a photo is needed, …). */
export class ProofNotAskedError extends DomainError {
  constructor(deliveryId: string, given: string, required: string) {
    super('conflict', `delivery ${deliveryId} asks for ${required === 'none' ? 'no proof' : `a ${required}`}, not a ${given}`, {
      code: 'proof_not_asked',
      details: { deliveryId, given, required },
    });
  }
}

/** The proof is only given at the door: while the parcel is on its way. */
export class ProofNotNowError extends DomainError {
  constructor(deliveryId: string, status: string) {
    super('conflict', `delivery ${deliveryId} is ${status}: proof is given when the parcel is handed over (picked up or on the way)`, {
      code: 'proof_not_now',
      details: { deliveryId, status },
    });
  }
}

export class WrongPinError extends DomainError {
  constructor(deliveryId: string, attemptsLeft: number) {
    const left =
      attemptsLeft > 0 ? `${attemptsLeft} attempt${attemptsLeft === 1 ? '' : 's'} left` : 'no attempts left: the PIN is now locked, ask the shop to unlock it';
    super('invalid', `That PIN is not the customer's: check it with them (${left}).`, { code: 'wrong_pin', details: { deliveryId, attemptsLeft } });
  }
}

export class PinLockedError extends DomainError {
  constructor(deliveryId: string) {
    super('conflict', 'Too many wrong PINs: entering a PIN is locked for this delivery. Ask the shop to unlock it.', {
      code: 'pin_locked',
      details: { deliveryId },
    });
  }
}
