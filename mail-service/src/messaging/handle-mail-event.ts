import type { MailDeps } from '../domain/mail-deps.js';
import { mailKindFor } from '../domain/mail-triggers.js';
import { notifyCustomer, RecipientNotKnownError } from '../domain/notify-customer.js';
import { rememberRecipient } from '../domain/remember-recipient.js';
import { isOrderCreated, type MailEvent } from './mail-event-schema.js';

export interface MailEventHandlerOptions {
  /**
   * How often an event for an order whose order.created has not been seen is put back on the
   * queue (order.created may still be in flight beside it) before it is acked without a mail.
   * Not dead-lettered: orders placed before this service followed the exchanges are expected.
   */
  unknownOrderAttempts: number;
}

/** Remembered event ids; oldest forgotten first. Only bounds the retry count of unknown orders. */
const MAX_TRACKED = 10_000;

/** order.created: remember the recipient; then, for every event, the mail it calls for (if any). */
export function createMailEventHandler(deps: MailDeps, options: MailEventHandlerOptions): (event: MailEvent) => Promise<void> {
  const attempts = new Map<string, number>();
  return async (event) => {
    if (isOrderCreated(event)) await rememberRecipient(deps, event.data);
    try {
      await notifyCustomer(deps, event);
      attempts.delete(event.id);
    } catch (err) {
      if (!(err instanceof RecipientNotKnownError)) throw err;
      const count = (attempts.get(event.id) ?? 0) + 1;
      attempts.delete(event.id);
      const log = { orderId: event.orderId, eventId: event.id, type: event.type, attempt: count };
      if (count < options.unknownOrderAttempts) {
        attempts.set(event.id, count);
        if (attempts.size > MAX_TRACKED) attempts.delete(attempts.keys().next().value as string);
        deps.logger.info(log, 'order not known yet; retrying');
        throw err;
      }
      const kind = mailKindFor(event);
      if (kind) deps.metrics.skipped.inc({ kind, reason: 'unknown_order' });
      deps.logger.warn(log, 'no mail: the order was never seen (placed before mail-service followed the orders exchange?)');
    }
  };
}
