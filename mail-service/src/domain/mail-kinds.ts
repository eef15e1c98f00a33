/** The mails a customer gets about one order, each at most once. */
export const MAIL_KINDS = ['placed', 'out_for_delivery', 'arriving', 'delivered', 'failed', 'late'] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

/**
 * How far along the order is when each mail goes; `late` stands apart (it can come at any stage
 * before the end). A mail is not sent once a later stage has had its mail: events from the
 * orders and delivery exchanges may arrive out of order, and "out for delivery" after
 * "delivered" would only confuse.
 */
const STAGE: Partial<Record<MailKind, number>> = { placed: 0, out_for_delivery: 1, arriving: 2, delivered: 3, failed: 3 };
const FINAL_STAGE = 3;

/** The kind already recorded for the order that makes `kind` pointless now, if any. */
export function supersededBy(kind: MailKind, recorded: readonly MailKind[]): MailKind | undefined {
  const stage = STAGE[kind];
  return recorded.find((other) => {
    if (other === kind) return false;
    const otherStage = STAGE[other];
    if (otherStage === undefined) return false;
    if (stage === undefined) return otherStage === FINAL_STAGE;
    return otherStage > stage || otherStage === FINAL_STAGE;
  });
}
