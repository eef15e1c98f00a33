import type { MailKind } from '../domain/mail-kinds.js';
import type { MailDetails } from '../domain/mail-triggers.js';

/** Who gets the mails about one order: learnt from order.created. */
export interface Recipient {
  orderId: string;
  orderNumber: string;
  name: string;
  email: string;
  /** Set once the customer followed the unsubscribe link of a mail about this order. */
  unsubscribedAt: string | null;
}

export interface RecipientDirectory {
  /** Idempotent: remembering an order again keeps what was first remembered (and any unsubscribe). */
  remember(recipient: Omit<Recipient, 'unsubscribedAt'>): Promise<void>;
  find(orderId: string): Promise<Recipient | null>;
  /** Records the unsubscribe (the first time is kept); false when the order is unknown. */
  unsubscribe(orderId: string, at: string): Promise<boolean>;
}

/** `pending` until the SMTP server accepted it (`sent`) or every attempt failed (`given_up`). */
export type MailState = 'pending' | 'sent' | 'given_up';

/** One mail about one order, recorded before it is sent: at most one per order and kind. */
export interface MailIntent {
  /** `<orderId>:<kind>`. */
  id: string;
  orderId: string;
  kind: MailKind;
  /** The event that triggered it (for the log). */
  eventId: string;
  details: MailDetails;
  state: MailState;
  /** Attempts claimed so far; recording a mail claims the first. */
  attempts: number;
  recordedAt: string;
  /** While pending: when it is tried again if it is still pending then (a crash, SMTP down). */
  nextAttemptAt: string;
  sentAt: string | null;
  messageId: string | null;
  lastError: string | null;
}

export function mailIdOf(orderId: string, kind: MailKind): string {
  return `${orderId}:${kind}`;
}

/**
 * The sent-mail ledger. `record` is the one atomic step that decides which instance sends a
 * mail (an insert against a unique id, atomic on MongoDB and FerretDB alike); every later
 * attempt is claimed the same way, so two instances never send the same attempt.
 */
export interface MailLedger {
  /** Inserts the mail with its first attempt claimed; false when the order already has a mail of that kind. */
  record(intent: MailIntent): Promise<boolean>;
  find(id: string): Promise<MailIntent | null>;
  /** The kinds recorded for an order, whatever their state. */
  kindsOf(orderId: string): Promise<MailKind[]>;
  /** Pending mails whose `nextAttemptAt` is not after `now`, the most overdue first. */
  due(now: string, limit: number): Promise<MailIntent[]>;
  /**
   * Claims attempt number `attempt` (2 or more) of a pending mail for the caller: false when it
   * is no longer pending or another caller claimed that attempt. On success `attempts` becomes
   * `attempt` and `nextAttemptAt` the given time.
   */
  claimAttempt(id: string, attempt: number, nextAttemptAt: string): Promise<boolean>;
  markSent(id: string, at: string, messageId: string | null): Promise<void>;
  /** An attempt failed: tried again at `nextAttemptAt`, or given up when it is null. */
  markFailed(id: string, error: string, nextAttemptAt: string | null): Promise<void>;
}

/** The service's two collections behind one connection (or one folder, or memory). */
export interface MailStore {
  ledger: MailLedger;
  recipients: RecipientDirectory;
  isReady(): boolean;
  close(): Promise<void>;
}
