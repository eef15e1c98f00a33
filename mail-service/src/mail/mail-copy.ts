import type { MailKind } from '../domain/mail-kinds.js';
import type { MailDetails } from '../domain/mail-triggers.js';

/** What one mail says, as plain text; the layout (text and HTML) is render-mail's. */
export interface MailCopy {
  subject: string;
  headline: string;
  paragraphs: string[];
}

export interface CopyInput {
  orderNumber: string;
  details: MailDetails;
  /** When the mail is written, for "in about N minutes". */
  now: Date;
}

/** "in about 12 minutes" while the ETA is ahead, else nothing (a past ETA says nothing useful). */
function minutesUntil(etaAt: string | undefined, now: Date): string | undefined {
  if (!etaAt) return undefined;
  const minutes = Math.round((Date.parse(etaAt) - now.getTime()) / 60_000);
  if (!Number.isFinite(minutes) || minutes < 1) return undefined;
  return minutes === 1 ? 'in about a minute' : `in about ${minutes} minutes`;
}

const COPY: Readonly<Record<MailKind, (input: CopyInput) => MailCopy>> = {
  placed: ({ orderNumber }) => ({
    subject: `We have your order ${orderNumber}`,
    headline: 'Thank you, we have your order',
    paragraphs: [`Order ${orderNumber} is in. We will email you when it is out for delivery; until then, and after, you can follow it live.`],
  }),
  out_for_delivery: ({ orderNumber, details }) => ({
    subject: `Order ${orderNumber} is out for delivery`,
    headline: 'Your order is on its way',
    paragraphs: [
      details.riderName ? `${details.riderName} is bringing order ${orderNumber} to you.` : `Order ${orderNumber} has left us and is on its way to you.`,
      'The tracking page shows where it is, live.',
    ],
  }),
  arriving: ({ orderNumber, details, now }) => {
    const when = minutesUntil(details.etaAt, now);
    return {
      subject: `Your order ${orderNumber} is almost there`,
      headline: 'Your rider is almost there',
      paragraphs: [
        `${details.riderName ?? 'Your rider'} is close to your address with order ${orderNumber}${when ? `, arriving ${when}` : ''}. Please be ready to receive it.`,
      ],
    };
  },
  delivered: ({ orderNumber }) => ({
    subject: `Order ${orderNumber} has been delivered`,
    headline: 'Delivered',
    paragraphs: [`Order ${orderNumber} has been delivered. Thank you for ordering with us.`],
  }),
  failed: ({ orderNumber, details }) => ({
    subject: `We could not deliver order ${orderNumber}`,
    headline: 'We could not deliver your order',
    paragraphs: [
      `The delivery of order ${orderNumber} did not succeed${details.failureReason ? ` (${details.failureReason})` : ''}.`,
      'We will be in touch to arrange what happens next. The tracking page shows the latest.',
    ],
  }),
  late: ({ orderNumber, details, now }) => {
    const when = minutesUntil(details.etaAt, now);
    return {
      subject: `Order ${orderNumber} is running late`,
      headline: 'Your order is running late',
      paragraphs: [
        `Sorry: order ${orderNumber} will reach you later than we promised${when ? `; it is now expected ${when}` : ''}. The tracking page shows where it is.`,
      ],
    };
  },
};

export function mailCopyFor(kind: MailKind, input: CopyInput): MailCopy {
  return COPY[kind](input);
}
