import { Schema, type Connection } from 'mongoose';
import { duplicateKeyOn, isMongoConnected, openMongoConnection, plainJson, reportStoreOutages, type Logger } from '@orderpulse/service-kit';
import type { MailIntent, MailLedger, MailStore, Recipient, RecipientDirectory } from './mail-store.js';

/** A MailIntent as stored: `_id` is its id, times are Dates. */
type MailDocument = Omit<MailIntent, 'id' | 'recordedAt' | 'nextAttemptAt' | 'sentAt'> & {
  _id: string;
  recordedAt: Date;
  nextAttemptAt: Date;
  sentAt: Date | null;
};

const mailSchema = new Schema(
  {
    _id: { type: String, required: true },
    orderId: { type: String, required: true },
    kind: { type: String, required: true },
    eventId: { type: String, required: true },
    details: { type: Schema.Types.Mixed, default: {} },
    state: { type: String, required: true },
    attempts: { type: Number, required: true },
    recordedAt: { type: Date, required: true },
    nextAttemptAt: { type: Date, required: true },
    sentAt: { type: Date, default: null },
    messageId: { type: String, default: null },
    lastError: { type: String, default: null },
  },
  { versionKey: false, autoIndex: false, minimize: false, collection: 'mails' },
);
mailSchema.index({ orderId: 1 });
mailSchema.index({ state: 1, nextAttemptAt: 1 });

/** One document per attempt after the first, keyed `<mailId>#<attempt>`: the unique `_id` is what makes a claim atomic. */
interface AttemptDocument {
  _id: string;
  mailId: string;
  at: Date;
}

type RecipientDocument = Omit<Recipient, 'orderId' | 'unsubscribedAt'> & { _id: string; unsubscribedAt: Date | null };

const recipientSchema = new Schema(
  {
    _id: { type: String, required: true },
    orderNumber: { type: String, required: true },
    name: { type: String, required: true },
    email: { type: String, required: true },
    unsubscribedAt: { type: Date, default: null },
  },
  { versionKey: false, autoIndex: false, collection: 'mail_recipients' },
);

const iso = (date: Date | null) => (date ? date.toISOString() : null);

function toIntent(doc: MailDocument): MailIntent {
  return {
    id: doc._id,
    orderId: doc.orderId,
    kind: doc.kind,
    eventId: doc.eventId,
    details: doc.details ?? {},
    state: doc.state,
    attempts: doc.attempts,
    recordedAt: doc.recordedAt.toISOString(),
    nextAttemptAt: doc.nextAttemptAt.toISOString(),
    sentAt: iso(doc.sentAt),
    messageId: doc.messageId,
    lastError: doc.lastError,
  };
}

/** For an insert that failed: returns when it lost to an existing `_id` (the only unique index here), rethrows anything else. */
function rethrowUnlessDuplicate(err: unknown): void {
  if (duplicateKeyOn(err, '_id') === false) throw err;
}

async function openMongoLedger(connection: Connection): Promise<MailLedger> {
  const mails = connection.model<MailDocument>('Mail', mailSchema);
  const attempts = connection.collection<AttemptDocument>('mail_attempts');
  await mails.createIndexes();
  await attempts.createIndex({ mailId: 1 });
  return {
    async record(intent) {
      try {
        await mails.create({
          ...intent,
          _id: intent.id,
          details: plainJson(intent.details),
          recordedAt: new Date(intent.recordedAt),
          nextAttemptAt: new Date(intent.nextAttemptAt),
          sentAt: intent.sentAt ? new Date(intent.sentAt) : null,
        });
        return true;
      } catch (err) {
        rethrowUnlessDuplicate(err);
        return false;
      }
    },
    async find(id) {
      const doc = await mails.findById(id).lean<MailDocument>();
      return doc ? toIntent(doc) : null;
    },
    async kindsOf(orderId) {
      const docs = await mails.find({ orderId }, { kind: 1 }).lean<Pick<MailDocument, 'kind'>[]>();
      return docs.map((doc) => doc.kind);
    },
    async due(now, limit) {
      const docs = await mails
        .find({ state: 'pending', nextAttemptAt: { $lte: new Date(now) } })
        .sort({ nextAttemptAt: 1 })
        .limit(limit)
        .lean<MailDocument[]>();
      return docs.map(toIntent);
    },
    async claimAttempt(id, attempt, nextAttemptAt) {
      const doc = await mails.findById(id, { state: 1, attempts: 1 }).lean<Pick<MailDocument, 'state' | 'attempts'>>();
      if (!doc || doc.state !== 'pending' || doc.attempts !== attempt - 1) return false;
      try {
        await attempts.insertOne({ _id: `${id}#${attempt}`, mailId: id, at: new Date() });
      } catch (err) {
        rethrowUnlessDuplicate(err);
        return false;
      }
      await mails.updateOne({ _id: id }, { $set: { attempts: attempt, nextAttemptAt: new Date(nextAttemptAt) } });
      return true;
    },
    async markSent(id, at, messageId) {
      await mails.updateOne({ _id: id }, { $set: { state: 'sent', sentAt: new Date(at), messageId, lastError: null } });
      await attempts.deleteMany({ mailId: id });
    },
    async markFailed(id, error, nextAttemptAt) {
      const change = nextAttemptAt ? { lastError: error, nextAttemptAt: new Date(nextAttemptAt) } : { lastError: error, state: 'given_up' };
      await mails.updateOne({ _id: id }, { $set: change });
      if (!nextAttemptAt) await attempts.deleteMany({ mailId: id });
    },
  };
}

async function openMongoRecipients(connection: Connection): Promise<RecipientDirectory> {
  const recipients = connection.model<RecipientDocument>('MailRecipient', recipientSchema);
  return {
    async remember(recipient) {
      try {
        await recipients.create({
          _id: recipient.orderId,
          orderNumber: recipient.orderNumber,
          name: recipient.name,
          email: recipient.email,
          unsubscribedAt: null,
        });
      } catch (err) {
        rethrowUnlessDuplicate(err); // remembered before: the first one is kept
      }
    },
    async find(orderId) {
      const doc = await recipients.findById(orderId).lean<RecipientDocument>();
      return doc ? { orderId: doc._id, orderNumber: doc.orderNumber, name: doc.name, email: doc.email, unsubscribedAt: iso(doc.unsubscribedAt) } : null;
    },
    async unsubscribe(orderId, at) {
      const result = await recipients.updateOne({ _id: orderId, unsubscribedAt: null }, { $set: { unsubscribedAt: new Date(at) } });
      if (result.matchedCount > 0) return true;
      return (await recipients.exists({ _id: orderId })) !== null;
    },
  };
}

export interface MongoMailStoreOptions {
  url: string;
  logger: Logger;
  /** Overrides the database named in the URL (tests use one database per run). */
  dbName?: string;
  connectTimeoutMs?: number;
  maxPoolSize?: number;
}

/**
 * The MongoDB adapter, used whenever MONGO_URL is set; several mail-services may share one
 * database. Rejects with one actionable line when MongoDB is down at start; later outages come
 * out as StoreUnavailableError (the event is requeued, GET /unsubscribe answers 503).
 */
export async function connectMongoMailStore(options: MongoMailStoreOptions): Promise<MailStore> {
  const connection = await openMongoConnection({ ...options, whatIsKept: 'the sent-mail ledger' });
  try {
    return {
      ledger: reportStoreOutages(await openMongoLedger(connection), 'MongoDB'),
      recipients: reportStoreOutages(await openMongoRecipients(connection), 'MongoDB'),
      isReady: () => isMongoConnected(connection),
      close: () => connection.close(),
    };
  } catch (err) {
    await connection.close().catch(() => undefined);
    throw err;
  }
}
