import type { QueryFilter } from 'mongoose';
import type { OrderCreatedEvent, OrderEvent, OrderSnapshot } from '@orderpulse/contracts';
import { isDuplicateKeyError, isMongoConnected, openMongoConnection, type Logger } from '@orderpulse/service-kit';
import { mutableFieldsOf, orderSchema, plainJson, toOrderDocument, toOrderSnapshot, type OrderDocument } from './mongo-order-document.js';
import { DuplicateOrderNumberError, type ListOrdersQuery, type OrderPage, type OrderRepository } from './order-repository.js';

export interface MongoOrderRepositoryOptions {
  url: string;
  logger: Logger;
  /** Overrides the database named in the URL (tests use one database per run). */
  dbName?: string;
  connectTimeoutMs?: number;
}

/** The MongoDB adapter: used whenever MONGO_URL is set. Rejects with one actionable line when MongoDB is down. */
export async function connectMongoOrderRepository(options: MongoOrderRepositoryOptions): Promise<OrderRepository> {
  const connection = await openMongoConnection({ ...options, whatIsKept: 'orders' });
  const orders = connection.model<OrderDocument>('Order', orderSchema);
  await orders.createIndexes();

  return {
    async insert(order: OrderSnapshot, created: OrderCreatedEvent) {
      try {
        await orders.create(toOrderDocument(order, [created]));
      } catch (err) {
        if (isDuplicateKeyError(err, 'orderNumber')) throw new DuplicateOrderNumberError(order.orderNumber);
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

    isReady: () => isMongoConnected(connection),

    close: () => connection.close(),
  };
}
