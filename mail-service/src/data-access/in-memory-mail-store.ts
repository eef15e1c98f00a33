import { MAIL_KINDS } from '../domain/mail-kinds.js';
import { mailIdOf, type MailIntent, type MailLedger, type MailStore, type Recipient, type RecipientDirectory } from './mail-store.js';

export interface MailMaps {
  intents: Map<string, MailIntent>;
  recipients: Map<string, Recipient>;
}

/**
 * The ledger and directory in Maps (one process: each check-and-set below runs without an
 * await in between, so it is atomic). Values are replaced, never mutated, so a JournaledMap
 * records every change.
 */
export function createInMemoryMailStore(maps: MailMaps = { intents: new Map(), recipients: new Map() }, onClose: () => void = () => undefined): MailStore {
  return {
    ledger: createInMemoryLedger(maps.intents),
    recipients: createInMemoryRecipients(maps.recipients),
    isReady: () => true,
    async close() {
      onClose();
    },
  };
}

function createInMemoryLedger(intents: Map<string, MailIntent>): MailLedger {
  const update = (id: string, change: Partial<MailIntent>) => {
    const intent = intents.get(id);
    if (intent) intents.set(id, { ...intent, ...change });
  };
  return {
    async record(intent) {
      if (intents.has(intent.id)) return false;
      intents.set(intent.id, structuredClone(intent));
      return true;
    },
    async find(id) {
      const intent = intents.get(id);
      return intent ? structuredClone(intent) : null;
    },
    async kindsOf(orderId) {
      return MAIL_KINDS.filter((kind) => intents.has(mailIdOf(orderId, kind)));
    },
    async due(now, limit) {
      return [...intents.values()]
        .filter((intent) => intent.state === 'pending' && intent.nextAttemptAt <= now)
        .sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt))
        .slice(0, limit)
        .map((intent) => structuredClone(intent));
    },
    async claimAttempt(id, attempt, nextAttemptAt) {
      const intent = intents.get(id);
      if (!intent || intent.state !== 'pending' || intent.attempts !== attempt - 1) return false;
      intents.set(id, { ...intent, attempts: attempt, nextAttemptAt });
      return true;
    },
    async markSent(id, at, messageId) {
      update(id, { state: 'sent', sentAt: at, messageId, lastError: null });
    },
    async markFailed(id, error, nextAttemptAt) {
      update(id, nextAttemptAt ? { lastError: error, nextAttemptAt } : { lastError: error, state: 'given_up' });
    },
  };
}

function createInMemoryRecipients(recipients: Map<string, Recipient>): RecipientDirectory {
  return {
    async remember(recipient) {
      if (!recipients.has(recipient.orderId)) recipients.set(recipient.orderId, { ...recipient, unsubscribedAt: null });
    },
    async find(orderId) {
      const recipient = recipients.get(orderId);
      return recipient ? { ...recipient } : null;
    },
    async unsubscribe(orderId, at) {
      const recipient = recipients.get(orderId);
      if (!recipient) return false;
      if (!recipient.unsubscribedAt) recipients.set(orderId, { ...recipient, unsubscribedAt: at });
      return true;
    },
  };
}
