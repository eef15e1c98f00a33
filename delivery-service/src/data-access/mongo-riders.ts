import { Schema, type Connection } from 'mongoose';
import type { Rider } from '@orderpulse/contracts';
import { DuplicateRiderError, type RiderRepository } from './delivery-store.js';
import { withoutAbsent } from './mongo-delivery-document.js';

export interface RiderDocument {
  _id: string;
  name: string;
  phone?: string;
  createdAt: Date;
}

export const riderSchema: Schema = new Schema(
  { _id: { type: String, required: true }, name: { type: String, required: true }, phone: String, createdAt: { type: Date, required: true } },
  { versionKey: false, autoIndex: false, collection: 'riders' },
);
riderSchema.index({ createdAt: 1, _id: 1 });

export function toRider(doc: RiderDocument): Rider {
  return withoutAbsent({ id: doc._id, name: doc.name, phone: doc.phone, createdAt: doc.createdAt.toISOString() });
}

export async function openMongoRiders(connection: Connection): Promise<RiderRepository> {
  const riders = connection.model<RiderDocument>('Rider', riderSchema);
  await riders.createIndexes();
  return {
    async insert(rider) {
      try {
        await riders.create(withoutAbsent({ _id: rider.id, name: rider.name, phone: rider.phone, createdAt: new Date(rider.createdAt) }));
      } catch (err) {
        if ((err as { code?: number }).code === 11000) throw new DuplicateRiderError(rider.id);
        throw err;
      }
    },
    async findById(id) {
      const doc = await riders.findById(id).lean<RiderDocument>();
      return doc ? toRider(doc) : null;
    },
    async list() {
      const docs = await riders.find().sort({ createdAt: 1, _id: 1 }).lean<RiderDocument[]>();
      return docs.map(toRider);
    },
  };
}
