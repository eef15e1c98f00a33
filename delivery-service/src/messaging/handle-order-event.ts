import type { OrderEvent } from '@orderpulse/contracts';
import { UnprocessableMessageError } from '@orderpulse/service-kit';
import { createDeliveryForOrder } from '../domain/create-delivery.js';
import { OrderNotKnownError } from '../domain/delivery-errors.js';
import type { DeliveryUseCaseDeps } from '../domain/delivery-use-case-deps.js';
import { rememberOrder } from '../domain/remember-order.js';

export interface OrderEventHandlerOptions {
  /**
   * How many times a shipped order whose order.created has not been seen yet is put back on the
   * queue (order.created may still be on its way, e.g. to another instance) before the event is
   * dead-lettered as unprocessable.
   */
  unknownOrderAttempts: number;
}

/** Remembered event ids; oldest forgotten first. Only bounds the retry count of unknown orders. */
const MAX_TRACKED = 10_000;

/**
 * order.created: remember the order's number and address. order.status_changed to `shipped`:
 * create the order's delivery (idempotent). Anything else concerns other services.
 */
export function createOrderEventHandler(deps: DeliveryUseCaseDeps, options: OrderEventHandlerOptions): (event: OrderEvent) => Promise<void> {
  const attempts = new Map<string, number>();
  const { logger } = deps;

  /** The error to throw: the original one (requeue) while attempts remain, then an unprocessable one (dead-letter). */
  const unknownOrder = (event: OrderEvent, err: OrderNotKnownError): Error => {
    const count = (attempts.get(event.id) ?? 0) + 1;
    attempts.delete(event.id);
    if (count >= options.unknownOrderAttempts) {
      return new UnprocessableMessageError(`${err.message} after ${count} attempts; no delivery can be created without its address`);
    }
    attempts.set(event.id, count);
    if (attempts.size > MAX_TRACKED) attempts.delete(attempts.keys().next().value as string);
    logger.info({ orderId: event.orderId, eventId: event.id, attempt: count }, 'shipped order not known yet; retrying');
    return err;
  };

  return async (event) => {
    if (event.type === 'order.created') {
      await rememberOrder(deps, event.data);
      return;
    }
    if (event.data.to !== 'shipped') return;
    try {
      const { delivery, created } = await createDeliveryForOrder(deps, { orderId: event.orderId, orderNumber: event.data.orderNumber });
      attempts.delete(event.id);
      if (!created) logger.info({ orderId: event.orderId, deliveryId: delivery.id, eventId: event.id }, 'order already has its delivery; nothing created');
    } catch (err) {
      throw err instanceof OrderNotKnownError ? unknownOrder(event, err) : err;
    }
  };
}
