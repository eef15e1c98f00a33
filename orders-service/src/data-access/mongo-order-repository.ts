import type { QueryFilter } from 'mongoose';
import type { OrderCreatedEvent, OrderEvent, OrderSnapshot } from '@orderpulse/contracts';
import {
  appendToOutbox,
  createMongoLocks,
  createMongoOutbox,
  duplicateKeyOn,
  isMongoConnected,
  openMongoConnection,
  openMongoHopHistory,
  reportStoreOutages,
  type Logger,
  type MongoOutboxOptions,
} from '@orderpulse/service-kit';
import { orderSchema, mutableFieldsOf, toFeedback, toOrderDocument, toOrderSnapshot, type OrderDocument } from './mongo-order-document.js';
import { DuplicateOrderNumberError, type ListOrdersQuery, type OrderPage, type OrderRepository } from './order-repository.js';

export interface MongoOrderRepositoryOptions {
  url: string;
  logger: Logger;
  /** Overrides the database named in the URL (tests use one database per run). */
  dbName?: string;
  connectTimeoutMs?: number;
  maxPoolSize?: number;
  outbox?: MongoOutboxOptions;
  /** Hop rows kept per order for replay (tests use a small bound). */
  maxHopsPerOrder?: number;
}

const withoutOutbox = { pendingEvents: 0, outboxSince: 0 };

/**
 * The MongoDB adapter: used whenever MONGO_URL is set; several orders-services may share one
 * database. Rejects with one actionable line when MongoDB is down at start; later outages come
 * out as StoreUnavailableError (HTTP 503).
 */
export async function connectMongoOrderRepository(options: MongoOrderRepositoryOptions): Promise<OrderRepository> {
  const connection = await openMongoConnection({ ...options, whatIsKept: 'orders' });
  const orders = connection.model<OrderDocument>('Order', orderSchema);
  await orders.createIndexes();
  const hops = await openMongoHopHistory(connection, options.maxHopsPerOrder);
  const outbox = createMongoOutbox<OrderEvent, OrderDocument>(orders, createMongoLocks(connection), options.outbox);

  const repository: OrderRepository = {
    ...outbox,

    async insert(order: OrderSnapshot, created: OrderCreatedEvent) {
      try {
        await orders.create(toOrderDocument(order, created));
      } catch (err) {
        const onOrderNumber = duplicateKeyOn(err, 'orderNumber');
        if (onOrderNumber || (onOrderNumber === undefined && (await orders.exists({ orderNumber: order.orderNumber })))) {
          throw new DuplicateOrderNumberError(order.orderNumber);
        }
        throw err;
      }
    },

    update(next: OrderSnapshot, expectedVersion: number, event: OrderEvent) {
      // Under the order's write lock, so the version guard holds on FerretDB too; updateOne, not
      // findOneAndUpdate with a projection, which FerretDB 1.24 lacks.
      return outbox.writeLocked(next.id, async () => {
        const { matchedCount } = await orders.updateOne({ _id: next.id, version: expectedVersion }, { $set: mutableFieldsOf(next), ...appendToOutbox(event) });
        return matchedCount === 1;
      });
    },

    async findById(id) {
      const doc = await orders.findById(id).lean<OrderDocument>();
      return doc ? { order: toOrderSnapshot(doc), pendingEvents: doc.pendingEvents } : null;
    },

    async findOrder(id) {
      const doc = await orders.findById(id, withoutOutbox).lean<OrderDocument>();
      return doc ? toOrderSnapshot(doc) : null;
    },

    async findByOrderNumber(orderNumber) {
      const doc = await orders.findOne({ orderNumber }, withoutOutbox).lean<OrderDocument>();
      return doc ? toOrderSnapshot(doc) : null;
    },

    async list({ status, limit, after }: ListOrdersQuery): Promise<OrderPage> {
      const filter: QueryFilter<OrderDocument> = status ? { status } : {};
      if (after) {
        const at = new Date(after.createdAt);
        filter.$or = [{ createdAt: { $lt: at } }, { createdAt: at, _id: { $lt: after.id } }];
      }
      const docs = await orders
        .find(filter, withoutOutbox)
        .sort({ createdAt: -1, _id: -1 })
        .limit(limit + 1)
        .lean<OrderDocument[]>();
      const items = docs.slice(0, limit).map(toOrderSnapshot);
      const last = items[items.length - 1];
      return docs.length > limit && last ? { items, next: { createdAt: last.createdAt, id: last.id } } : { items };
    },

    async recordFeedback(orderId, feedback) {
      const stored = { rating: feedback.rating, ...(feedback.comment !== undefined ? { comment: feedback.comment } : {}), at: new Date(feedback.at) };
      const { matchedCount } = await orders.updateOne({ _id: orderId, status: 'delivered', feedback: null }, { $set: { feedback: stored } });
      if (matchedCount === 1) return 'recorded';
      const doc = await orders.findById(orderId, { status: 1, feedback: 1 }).lean<Pick<OrderDocument, 'status' | 'feedback'>>();
      if (!doc) return 'not_found';
      return doc.feedback ? 'already_rated' : 'not_delivered';
    },

    async listFeedback(limit) {
      const docs = await orders
        .find({ 'feedback.rating': { $gte: 1 } }, { orderNumber: 1, feedback: 1 })
        .sort({ 'feedback.at': -1 })
        .limit(limit)
        .lean<Array<Pick<OrderDocument, '_id' | 'orderNumber' | 'feedback'>>>();
      return docs.map((doc) => ({ orderId: doc._id, orderNumber: doc.orderNumber, feedback: toFeedback(doc.feedback!) }));
    },

    hops: reportStoreOutages(hops, 'MongoDB'),
    isReady: () => isMongoConnected(connection),

    close: () => connection.close(),
  };
  return reportStoreOutages(repository, 'MongoDB');
}
