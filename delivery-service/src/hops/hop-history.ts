import { hopReceiptSchema, hopRowOfReceipt } from '@orderpulse/contracts';
import type { HopKeeper, Logger } from '@orderpulse/service-kit';

/** The largest receipt taken from `admin/receipts/+` (they are ~250 bytes; the broker writes them). */
export const MAX_HOP_RECEIPT_BYTES = 1024;

/** A broker or device receipt from `admin/receipts/<orderId>` (issue 17 point 4), queued to be kept: bogus or oversized ones are dropped with a line. */
export function keepReceiptHop(keeper: HopKeeper, logger: Logger, topic: string, payload: Buffer): void {
  const orderId = topic.split('/')[2];
  let parsed: ReturnType<typeof hopReceiptSchema.safeParse> | undefined;
  if (payload.length <= MAX_HOP_RECEIPT_BYTES) {
    try {
      parsed = hopReceiptSchema.safeParse(JSON.parse(payload.toString('utf8')));
    } catch {
      parsed = undefined;
    }
  }
  if (!parsed?.success || parsed.data.orderId !== orderId) {
    logger.warn({ topic, bytes: payload.length }, 'a hop receipt that is not one was ignored');
    return;
  }
  keeper.keep(parsed.data.orderId, hopRowOfReceipt(parsed.data));
}
