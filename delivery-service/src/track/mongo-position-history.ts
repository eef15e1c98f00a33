import { Schema, type Connection } from 'mongoose';
import { withPoint, type PositionHistory, type StoredTrack, type TrackRetention } from './position-history.js';

interface TrackDocument {
  _id: string;
  points: StoredTrack['points'];
  keptAt: Date;
}

const trackSchema = new Schema<TrackDocument>(
  {
    _id: { type: String, required: true },
    points: { type: [{ _id: false, lat: Number, lng: Number, heading: Number, at: String }], default: [] },
    keptAt: { type: Date, required: true },
  },
  { versionKey: false, autoIndex: false, collection: 'delivery_tracks' },
);
trackSchema.index({ keptAt: 1 });

/** How often an append is tried again when another write to the same track came in between. */
const ATTEMPTS = 5;

/**
 * One document per delivery in `delivery_tracks` (its points, when the last was kept). An append
 * reads the track and replaces it only if it is unchanged (a compare-and-set on `keptAt` and the
 * number of points), so two writers never lose each other's point; plain operators only, which
 * FerretDB implements too.
 */
export async function openMongoPositionHistory(connection: Connection, retention: Pick<TrackRetention, 'maxPerDelivery'>): Promise<PositionHistory> {
  const tracks = connection.model<TrackDocument>('DeliveryTrack', trackSchema);
  await tracks.createIndexes();
  return {
    async append(deliveryId, point, now) {
      for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
        const doc = await tracks.findById(deliveryId).lean<TrackDocument>();
        const points = withPoint(doc?.points ?? [], point, retention.maxPerDelivery);
        if (!points) return;
        if (!doc) {
          try {
            await tracks.create({ _id: deliveryId, points, keptAt: now });
            return;
          } catch (err) {
            if ((err as { code?: number }).code === 11000) continue;
            throw err;
          }
        }
        const result = await tracks.updateOne({ _id: deliveryId, keptAt: doc.keptAt, points: { $size: doc.points.length } }, { $set: { points, keptAt: now } });
        if (result.matchedCount === 1) return;
      }
      throw new Error(`the track of delivery ${deliveryId} kept changing while a position was added`);
    },
    async list(deliveryId) {
      const doc = await tracks.findById(deliveryId).lean<TrackDocument>();
      return (doc?.points ?? []).map((p) => ({ lat: p.lat, lng: p.lng, ...(typeof p.heading === 'number' ? { heading: p.heading } : {}), at: p.at }));
    },
    async pruneKeptBefore(cutoff) {
      const result = await tracks.deleteMany({ keptAt: { $lt: cutoff } });
      return result.deletedCount;
    },
  };
}
