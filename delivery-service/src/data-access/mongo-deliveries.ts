import type { Connection, QueryFilter } from 'mongoose';
import type { DeliveryCreatedEvent, DeliveryEvent, DeliverySnapshot, DeliveryStatus } from '@orderpulse/contracts';
import { appendToOutbox, createMongoLocks, createMongoOutbox, duplicateKeyOn, type MongoOutboxOptions } from '@orderpulse/service-kit';
import { DuplicateDeliveryError, type DeliveryQuery, type DeliveryRepository } from './delivery-store.js';
import { deliverySchema, mutableFieldsOf, toDeliveryDocument, toDeliverySnapshot, type DeliveryDocument } from './mongo-delivery-document.js';

const withoutOutbox = { pendingEvents: 0, outboxSince: 0 };
/** Issue 18 point 5: the statuses a delivery can still become late in. */
const OPEN: DeliveryStatus[] = ['awaiting_assignment', 'assigned', 'picked_up', 'in_transit'];

/** Deliveries in the `deliveries` collection; every write is a single-document operation, and the collection is the outbox. */
export async function openMongoDeliveries(connection: Connection, outboxOptions?: MongoOutboxOptions): Promise<DeliveryRepository> {
  const deliveries = connection.model<DeliveryDocument>('Delivery', deliverySchema);
  await deliveries.createIndexes();
  const outbox = createMongoOutbox<DeliveryEvent, DeliveryDocument>(deliveries, createMongoLocks(connection), outboxOptions);

  return {
    ...outbox,

    async insert(delivery: DeliverySnapshot, created: DeliveryCreatedEvent) {
      try {
        await deliveries.create(toDeliveryDocument(delivery, created));
      } catch (err) {
        const onOrderId = duplicateKeyOn(err, 'orderId');
        if (onOrderId || (onOrderId === undefined && (await deliveries.exists({ orderId: delivery.orderId })))) {
          throw new DuplicateDeliveryError(delivery.orderId);
        }
        throw err;
      }
    },

    update(next: DeliverySnapshot, expectedVersion: number, event: DeliveryEvent) {
      // Under the delivery's write lock, so the version guard holds on FerretDB too; updateOne, not
      // findOneAndUpdate with a projection, which FerretDB 1.24 lacks.
      return outbox.writeLocked(next.id, async () => {
        const { matchedCount } = await deliveries.updateOne(
          { _id: next.id, version: expectedVersion },
          { $set: mutableFieldsOf(next), ...appendToOutbox(event) },
        );
        return matchedCount === 1;
      });
    },

    async findById(id) {
      const doc = await deliveries.findById(id).lean<DeliveryDocument>();
      return doc ? { delivery: toDeliverySnapshot(doc), pendingEvents: doc.pendingEvents } : null;
    },

    async findByOrderId(orderId) {
      const doc = await deliveries.findOne({ orderId }, withoutOutbox).lean<DeliveryDocument>();
      return doc ? toDeliverySnapshot(doc) : null;
    },

    // Issue 18 point 5.
    async overdue(now, limit) {
      const filter: QueryFilter<DeliveryDocument> = { status: { $in: OPEN }, 'promisedWindow.end': { $lt: now }, lateSince: null };
      const docs = await deliveries.find(filter, withoutOutbox).sort({ 'promisedWindow.end': 1 }).limit(limit).lean<DeliveryDocument[]>();
      return docs.map(toDeliverySnapshot);
    },

    async deliveredBetween(from, to, limit) {
      const filter: QueryFilter<DeliveryDocument> = { status: 'delivered', deliveredAt: { $gte: from, $lt: to } };
      const docs = await deliveries.find(filter, withoutOutbox).sort({ deliveredAt: -1 }).limit(limit).lean<DeliveryDocument[]>();
      return docs.map(toDeliverySnapshot);
    },

    async list({ orderId, riderId, statuses, limit }: DeliveryQuery) {
      const filter: QueryFilter<DeliveryDocument> = {};
      if (orderId) filter.orderId = orderId;
      if (riderId) filter['rider.id'] = riderId;
      if (statuses?.length) filter.status = { $in: [...statuses] };
      const docs = await deliveries.find(filter, withoutOutbox).sort({ createdAt: -1, _id: -1 }).limit(limit).lean<DeliveryDocument[]>();
      return docs.map(toDeliverySnapshot);
    },
  };
}
