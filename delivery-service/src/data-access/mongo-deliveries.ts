import type { Connection, QueryFilter } from 'mongoose';
import type { DeliveryCreatedEvent, DeliveryEvent, DeliverySnapshot } from '@orderpulse/contracts';
import { isDuplicateKeyError } from '@orderpulse/service-kit';
import { DuplicateDeliveryError, type DeliveryQuery, type DeliveryRepository } from './delivery-store.js';
import { deliverySchema, mutableFieldsOf, plainJson, toDeliveryDocument, toDeliverySnapshot, type DeliveryDocument } from './mongo-delivery-document.js';

/** Deliveries in the `deliveries` collection; every write is a single-document operation. */
export async function openMongoDeliveries(connection: Connection): Promise<DeliveryRepository> {
  const deliveries = connection.model<DeliveryDocument>('Delivery', deliverySchema);
  await deliveries.createIndexes();
  const withoutOutbox = { pendingEvents: 0 };

  return {
    async insert(delivery: DeliverySnapshot, created: DeliveryCreatedEvent) {
      try {
        await deliveries.create(toDeliveryDocument(delivery, [created]));
      } catch (err) {
        if (isDuplicateKeyError(err, 'orderId')) throw new DuplicateDeliveryError(delivery.orderId);
        throw err;
      }
    },

    async update(next: DeliverySnapshot, expectedVersion: number, event: DeliveryEvent) {
      const updated = await deliveries
        .findOneAndUpdate(
          { _id: next.id, version: expectedVersion },
          { $set: mutableFieldsOf(next), $push: { pendingEvents: plainJson(event) } },
          { projection: { _id: 1 }, returnDocument: 'after' },
        )
        .lean();
      return updated !== null;
    },

    async findById(id) {
      const doc = await deliveries.findById(id).lean<DeliveryDocument>();
      return doc ? { delivery: toDeliverySnapshot(doc), pendingEvents: doc.pendingEvents } : null;
    },

    async findByOrderId(orderId) {
      const doc = await deliveries.findOne({ orderId }, withoutOutbox).lean<DeliveryDocument>();
      return doc ? toDeliverySnapshot(doc) : null;
    },

    async list({ orderId, riderId, statuses, limit }: DeliveryQuery) {
      const filter: QueryFilter<DeliveryDocument> = {};
      if (orderId) filter.orderId = orderId;
      if (riderId) filter['rider.id'] = riderId;
      if (statuses?.length) filter.status = { $in: [...statuses] };
      const docs = await deliveries.find(filter, withoutOutbox).sort({ createdAt: -1, _id: -1 }).limit(limit).lean<DeliveryDocument[]>();
      return docs.map(toDeliverySnapshot);
    },

    async idsWithPendingEvents(limit) {
      // An ascending sort on an array field uses each document's smallest element: its oldest event.
      const docs = await deliveries
        .find({ 'pendingEvents.0': { $exists: true } }, { _id: 1 })
        .sort({ 'pendingEvents.occurredAt': 1, _id: 1 })
        .limit(limit)
        .lean<Array<{ _id: string }>>();
      return docs.map((doc) => doc._id);
    },

    async pendingEventsOf(id) {
      const doc = await deliveries.findById(id, { pendingEvents: 1 }).lean<Pick<DeliveryDocument, 'pendingEvents'>>();
      return doc?.pendingEvents ?? [];
    },

    async removePendingEvent(id, eventId) {
      await deliveries.updateOne({ _id: id }, { $pull: { pendingEvents: { id: eventId } } });
    },

    async countPendingEvents() {
      const [row] = await deliveries.aggregate<{ count: number }>([
        { $group: { _id: null, count: { $sum: { $size: { $ifNull: ['$pendingEvents', []] } } } } },
      ]);
      return row?.count ?? 0;
    },
  };
}
