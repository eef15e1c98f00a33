import type { OrderSnapshot } from '@orderpulse/contracts';
import type { MailDeps } from './mail-deps.js';

/** Keeps who gets the mails about an order (order.created). Idempotent: the first one is kept. */
export async function rememberRecipient(deps: Pick<MailDeps, 'store' | 'logger'>, order: OrderSnapshot): Promise<void> {
  await deps.store.recipients.remember({ orderId: order.id, orderNumber: order.orderNumber, name: order.customer.name, email: order.customer.email });
  deps.logger.debug({ orderId: order.id, orderNumber: order.orderNumber }, 'recipient remembered');
}
