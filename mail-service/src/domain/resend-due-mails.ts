import { nextAttemptAt, type MailDeps } from './mail-deps.js';
import { sendMailAttempt } from './send-mail-attempt.js';

export interface ResendSummary {
  due: number;
  attempted: number;
  sent: number;
}

/**
 * Tries again every pending mail whose next attempt is due: left by a crash between recording
 * and sending, or by a failed attempt. Each attempt is claimed first (atomic), so several
 * instances sweeping one ledger never send the same attempt twice.
 */
export async function resendDueMails(deps: MailDeps, limit: number): Promise<ResendSummary> {
  const now = deps.clock();
  const due = await deps.store.ledger.due(now.toISOString(), limit);
  const summary: ResendSummary = { due: due.length, attempted: 0, sent: 0 };
  for (const intent of due) {
    const attempt = intent.attempts + 1;
    if (!(await deps.store.ledger.claimAttempt(intent.id, attempt, nextAttemptAt(deps.retry, attempt, deps.clock())))) continue;
    const log = { orderId: intent.orderId, eventId: intent.eventId, kind: intent.kind, attempt };
    const recipient = await deps.store.recipients.find(intent.orderId);
    if (!recipient || recipient.unsubscribedAt) {
      await deps.store.ledger.markFailed(intent.id, recipient ? 'unsubscribed' : 'recipient unknown', null);
      deps.metrics.skipped.inc({ kind: intent.kind, reason: recipient ? 'unsubscribed' : 'unknown_order' });
      deps.logger.info(
        log,
        recipient ? 'pending mail dropped: the customer unsubscribed from this order' : 'pending mail dropped: its order is no longer known',
      );
      continue;
    }
    deps.logger.info({ ...log, lastError: intent.lastError }, 'sending a pending mail again');
    summary.attempted += 1;
    if ((await sendMailAttempt(deps, { ...intent, attempts: attempt }, recipient)) === 'sent') summary.sent += 1;
  }
  return summary;
}
