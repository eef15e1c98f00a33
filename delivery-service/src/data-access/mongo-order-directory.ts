import { Schema, type Connection } from 'mongoose';
import type { KnownOrder, OrderDirectory } from './delivery-store.js';
import { plainJson } from '@orderpulse/service-kit';
import { addressShape, withoutAbsent } from './mongo-delivery-document.js';

export interface KnownOrderDocument {
  _id: string;
  orderNumber: string;
  address: KnownOrder['address'];
  instructions?: string;
  method?: KnownOrder['method'];
  deliveryWindow?: { start: Date; end: Date } | null;
}

export const knownOrderSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    orderNumber: { type: String, required: true },
    address: new Schema(addressShape(), { _id: false }),
    instructions: String,
    method: String,
    // Issue 18 point 5.
    deliveryWindow: { type: new Schema({ start: { type: Date, required: true }, end: { type: Date, required: true } }, { _id: false }), default: undefined },
  },
  { versionKey: false, autoIndex: false, collection: 'known_orders' },
);

export async function openMongoOrderDirectory(connection: Connection): Promise<OrderDirectory> {
  const orders = connection.model<KnownOrderDocument>('KnownOrder', knownOrderSchema);
  return {
    async remember(order) {
      try {
        await orders.updateOne(
          { _id: order.orderId },
          {
            $setOnInsert: {
              orderNumber: order.orderNumber,
              address: plainJson(order.address),
              ...(order.instructions ? { instructions: order.instructions } : {}),
              ...(order.method ? { method: order.method } : {}),
              ...(order.deliveryWindow ? { deliveryWindow: { start: new Date(order.deliveryWindow.start), end: new Date(order.deliveryWindow.end) } } : {}),
            },
          },
          { upsert: true },
        );
      } catch (err) {
        // Two upserts of the same new order raced; the one that won stored the same data.
        if ((err as { code?: number }).code !== 11000) throw err;
      }
    },
    async find(orderId) {
      const doc = await orders.findById(orderId).lean<KnownOrderDocument>();
      if (!doc) return null;
      const window = doc.deliveryWindow ? { deliveryWindow: { start: doc.deliveryWindow.start.toISOString(), end: doc.deliveryWindow.end.toISOString() } } : {};
      return {
        orderId: doc._id,
        orderNumber: doc.orderNumber,
        address: withoutAbsent({ ...doc.address }),
        ...withoutAbsent({ instructions: doc.instructions, method: doc.method }),
        ...window,
      };
    },
  };
}
