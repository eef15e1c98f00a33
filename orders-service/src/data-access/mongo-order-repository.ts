import mongoose, { type QueryFilter } from 'mongoose';
import type { OrderCreatedEvent, OrderEvent, OrderSnapshot } from '@orderpulse/contracts';
import { DependencyUnavailableError, type Logger } from '@orderpulse/service-kit';
import { mutableFieldsOf, orderSchema, plainJson, toOrderDocument, toOrderSnapshot, type OrderDocument } from './mongo-order-document.js';
import { DuplicateOrderNumberError, type ListOrdersQuery, type OrderPage, type OrderRepository } from './order-repository.js';

export interface MongoOrderRepositoryOptions {
  url: string;
  logger: Logger;
  /** Overrides the database named in the URL (tests use one database per run). */
  dbName?: string;
  connectTimeoutMs?: number;
}

const CONNECTED = 1;

function redactMongoUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}

function isDuplicateOrderNumber(err: unknown): boolean {
  const e = err as { code?: number; keyPattern?: Record<string, unknown> };
  return e?.code === 11000 && Boolean(e.keyPattern && 'orderNumber' in e.keyPattern);
}

/** The MongoDB adapter: used whenever MONGO_URL is set. Rejects with one actionable line when MongoDB is down. */
export async function connectMongoOrderRepository(options: MongoOrderRepositoryOptions): Promise<OrderRepository> {
  const { url, logger } = options;
  const connection = mongoose.createConnection(url, {
    serverSelectionTimeoutMS: options.connectTimeoutMs ?? 5_000,
    ...(options.dbName ? { dbName: options.dbName } : {}),
  });
  try {
    await connection.asPromise();
  } catch (err) {
    await connection.close().catch(() => undefined);
    logger.debug({ err: (err as Error).message }, 'MongoDB connection failed');
    throw new DependencyUnavailableError(
      `MongoDB is not reachable at ${redactMongoUrl(url)}: start it (e.g. \`docker compose up mongo\`) ` +
        'or unset MONGO_URL to keep orders in memory',
    );
  }
  const orders = connection.model<OrderDocument>('Order', orderSchema);
  await orders.createIndexes();
  logger.info({ url: redactMongoUrl(url) }, 'connected to MongoDB');

  return {
    async insert(order: OrderSnapshot, created: OrderCreatedEvent) {
      try {
        await orders.create(toOrderDocument(order, [created]));
      } catch (err) {
        if (isDuplicateOrderNumber(err)) throw new DuplicateOrderNumberError(order.orderNumber);
        throw err;
      }
    },

    async update(next: OrderSnapshot, expectedVersion: number, event: OrderEvent) {
      const updated = await orders
        .findOneAndUpdate(
          { _id: next.id, version: expectedVersion },
          { $set: mutableFieldsOf(next), $push: { pendingEvents: plainJson(event) } },
          { projection: { _id: 1 }, returnDocument: 'after' },
        )
        .lean();
      return updated !== null;
    },

    async findById(id) {
      const doc = await orders.findById(id).lean<OrderDocument>();
      return doc ? { order: toOrderSnapshot(doc), pendingEvents: doc.pendingEvents } : null;
    },

    async findByOrderNumber(orderNumber) {
      const doc = await orders.findOne({ orderNumber }, { pendingEvents: 0 }).lean<OrderDocument>();
      return doc ? toOrderSnapshot(doc) : null;
    },

    async list({ status, limit, after }: ListOrdersQuery): Promise<OrderPage> {
      const filter: QueryFilter<OrderDocument> = status ? { status } : {};
      if (after) {
        const at = new Date(after.createdAt);
        filter.$or = [{ createdAt: { $lt: at } }, { createdAt: at, _id: { $lt: after.id } }];
      }
      const docs = await orders
        .find(filter, { pendingEvents: 0 })
        .sort({ createdAt: -1, _id: -1 })
        .limit(limit + 1)
        .lean<OrderDocument[]>();
      const items = docs.slice(0, limit).map(toOrderSnapshot);
      const last = items[items.length - 1];
      return docs.length > limit && last ? { items, next: { createdAt: last.createdAt, id: last.id } } : { items };
    },

    async listWithPendingEvents(limit) {
      // An ascending sort on an array field uses each document's smallest element: its oldest event.
      const docs = await orders
        .find({ 'pendingEvents.0': { $exists: true } })
        .sort({ 'pendingEvents.occurredAt': 1, _id: 1 })
        .limit(limit)
        .lean<OrderDocument[]>();
      return docs.map((doc) => ({ order: toOrderSnapshot(doc), pendingEvents: doc.pendingEvents }));
    },

    async removePendingEvent(orderId, eventId) {
      await orders.updateOne({ _id: orderId }, { $pull: { pendingEvents: { id: eventId } } });
    },

    async countPendingEvents() {
      const [row] = await orders.aggregate<{ count: number }>([
        { $group: { _id: null, count: { $sum: { $size: { $ifNull: ['$pendingEvents', []] } } } } },
      ]);
      return row?.count ?? 0;
    },

    isReady: () => connection.readyState === CONNECTED,

    close: () => connection.close(),
  };
}
