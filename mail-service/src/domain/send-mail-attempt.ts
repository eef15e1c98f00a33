import type { MailIntent, Recipient } from '../data-access/mail-store.js';
import { isPermanentSmtpFailure } from '../mail/mail-transport.js';
import { renderMail } from '../mail/render-mail.js';
import { nextAttemptAt, type MailDeps } from './mail-deps.js';

export type AttemptOutcome = 'sent' | 'failed' | 'given_up';

/**
 * One attempt at a mail whose attempt the caller has claimed: render it with fresh links, hand it
 * to the transport, then mark it sent. A failure is recorded (tried again later, or given up
 * after a permanent refusal or the last attempt), not thrown. A crash, or the store failing,
 * between the server's acceptance and `markSent` leaves the mail pending: it is sent again
 * after RESEND_AFTER_MS (the one window where a customer can get a mail twice).
 */
export async function sendMailAttempt(deps: MailDeps, intent: MailIntent, recipient: Recipient): Promise<AttemptOutcome> {
  const { kind, orderId, eventId } = intent;
  const log = { orderId, eventId, kind, mailId: intent.id, attempt: intent.attempts };
  const now = deps.clock();
  const [trackingUrl, unsubscribeUrl] = await Promise.all([deps.links.trackingUrl(orderId), deps.links.unsubscribeUrl(orderId)]);
  const content = renderMail({
    kind,
    customerName: recipient.name,
    orderNumber: recipient.orderNumber,
    details: intent.details,
    trackingUrl,
    unsubscribeUrl,
    now,
  });
  const stopTimer = deps.metrics.sendSeconds.startTimer();
  let messageId: string | null;
  try {
    ({ messageId } = await deps.transport.send({
      ...content,
      to: { name: recipient.name, address: recipient.email },
      trackingUrl,
      unsubscribeUrl,
      logContext: log,
    }));
  } catch (err) {
    stopTimer();
    const error = describeSendError(err);
    const giveUp = isPermanentSmtpFailure(err) || intent.attempts >= deps.retry.maxAttempts;
    const retryAt = giveUp ? null : nextAttemptAt(deps.retry, intent.attempts, deps.clock());
    deps.metrics.failed.inc({ kind, final: String(giveUp) });
    await deps.store.ledger.markFailed(intent.id, error, retryAt);
    if (giveUp)
      deps.logger.error({ ...log, err: error }, 'mail given up: the SMTP server refused it for good or every attempt failed; check SMTP_URL and the address');
    else deps.logger.warn({ ...log, err: error, retryAt }, 'mail not sent; it will be tried again (is the SMTP server at SMTP_URL up?)');
    return giveUp ? 'given_up' : 'failed';
  }
  stopTimer();
  await deps.store.ledger.markSent(intent.id, deps.clock().toISOString(), messageId);
  deps.metrics.sent.inc({ kind });
  deps.logger.info(
    { ...log, messageId, transport: deps.transport.kind },
    deps.transport.kind === 'smtp' ? 'mail sent' : 'mail done (written to the log, not sent)',
  );
  return 'sent';
}

function describeSendError(err: unknown): string {
  const e = err as { message?: string; code?: string; responseCode?: number };
  return (
    [e.code, e.responseCode, e.message]
      .filter((part) => part !== undefined && part !== '')
      .join(' ')
      .slice(0, 500) || String(err)
  );
}
