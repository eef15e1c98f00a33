import type { MailDeps } from './mail-deps.js';
import type { UnsubscribeTokens } from '../mail/unsubscribe-tokens.js';

export interface UnsubscribeResult {
  orderId: string;
  orderNumber: string | null;
  /** False when the order was never known here (nothing was ever mailed about it). */
  known: boolean;
}

/**
 * Stops every further mail about the order the token names (mails already recorded and still
 * pending are dropped at their next attempt). Per order, not per address: the link in a mail
 * about one order, forwarded or leaked, can stop mails about that order only.
 * Throws InvalidTokenError for a forged or expired token.
 */
export async function unsubscribe(deps: Pick<MailDeps, 'store' | 'clock' | 'logger'>, tokens: UnsubscribeTokens, token: string): Promise<UnsubscribeResult> {
  const { orderId } = await tokens.verify(token);
  const known = await deps.store.recipients.unsubscribe(orderId, deps.clock().toISOString());
  const recipient = known ? await deps.store.recipients.find(orderId) : null;
  deps.logger.info({ orderId, known }, 'customer unsubscribed from the mails about this order');
  return { orderId, orderNumber: recipient?.orderNumber ?? null, known };
}

/** The order a token names, checked, without changing anything (the confirmation page). */
export async function describeUnsubscribe(
  deps: Pick<MailDeps, 'store'>,
  tokens: UnsubscribeTokens,
  token: string,
): Promise<UnsubscribeResult & { alreadyUnsubscribed: boolean }> {
  const { orderId } = await tokens.verify(token);
  const recipient = await deps.store.recipients.find(orderId);
  return { orderId, orderNumber: recipient?.orderNumber ?? null, known: recipient !== null, alreadyUnsubscribed: !!recipient?.unsubscribedAt };
}
