import { mailIdOf, type MailIntent } from '../data-access/mail-store.js';
import { supersededBy } from './mail-kinds.js';
import { nextAttemptAt, type MailDeps } from './mail-deps.js';
import { mailDetailsOf, mailKindFor, type TriggeringEvent } from './mail-triggers.js';
import { sendMailAttempt, type AttemptOutcome } from './send-mail-attempt.js';

export interface NotifyingEvent extends TriggeringEvent {
  id: string;
  orderId: string;
}

export type NotifyOutcome = AttemptOutcome | 'no_mail' | 'duplicate' | 'superseded' | 'unsubscribed';

/** The event is for an order whose order.created this service has not seen (yet). */
export class RecipientNotKnownError extends Error {
  constructor(readonly orderId: string) {
    super(`order ${orderId} is not known: its order.created has not been seen`);
    this.name = 'RecipientNotKnownError';
  }
}

/**
 * Sends the mail an event calls for, at most once per order and kind: the mail is recorded
 * first (atomic; a redelivered or duplicate event finds it there and sends nothing), then sent,
 * then marked sent. Nothing goes to a customer who unsubscribed from the order, nor a mail
 * about a stage the order is already past.
 */
export async function notifyCustomer(deps: MailDeps, event: NotifyingEvent): Promise<NotifyOutcome> {
  const kind = mailKindFor(event);
  if (!kind) return 'no_mail';
  const { orderId } = event;
  const log = { orderId, eventId: event.id, kind };
  const recipient = await deps.store.recipients.find(orderId);
  if (!recipient) throw new RecipientNotKnownError(orderId);
  if (recipient.unsubscribedAt) {
    deps.metrics.skipped.inc({ kind, reason: 'unsubscribed' });
    deps.logger.info(log, 'mail not sent: the customer unsubscribed from this order');
    return 'unsubscribed';
  }
  const recorded = await deps.store.ledger.kindsOf(orderId);
  const later = recorded.includes(kind) ? undefined : supersededBy(kind, recorded);
  if (later) {
    deps.metrics.deduplicated.inc({ kind, reason: 'superseded' });
    deps.logger.info({ ...log, mailed: later }, 'mail not sent: the order is past this stage');
    return 'superseded';
  }
  const now = deps.clock();
  const intent: MailIntent = {
    id: mailIdOf(orderId, kind),
    orderId,
    kind,
    eventId: event.id,
    details: mailDetailsOf(event),
    state: 'pending',
    attempts: 1,
    recordedAt: now.toISOString(),
    // If this process dies before the mail is marked sent, another attempt is due then.
    nextAttemptAt: nextAttemptAt(deps.retry, 1, now),
    sentAt: null,
    messageId: null,
    lastError: null,
  };
  if (!(await deps.store.ledger.record(intent))) {
    deps.metrics.deduplicated.inc({ kind, reason: 'duplicate' });
    deps.logger.info(log, 'mail already recorded for this order; not sent again');
    return 'duplicate';
  }
  return sendMailAttempt(deps, intent, recipient);
}
