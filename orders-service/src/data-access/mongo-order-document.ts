import { Schema } from 'mongoose';
import { newOutboxFields, plainJson, type OutboxFields } from '@orderpulse/service-kit';
import { ORDER_STATUSES, type OrderFeedback, type OrderCreatedEvent, type OrderEvent, type OrderSnapshot, type OrderStatus } from '@orderpulse/contracts';

/** How an order is stored in MongoDB: the snapshot with real dates, keyed by the order id, and its outbox. */
export interface OrderDocument extends OutboxFields<OrderEvent> {
  _id: string;
  orderNumber: string;
  customer: OrderSnapshot['customer'];
  items: OrderSnapshot['items'];
  deliveryAddress: OrderSnapshot['deliveryAddress'];
  deliveryInstructions?: string | null;
  deliveryMethod?: OrderSnapshot['deliveryMethod'] | null;
  status: OrderStatus;
  trackingNumber: string | null;
  history: Array<{ status: OrderStatus; at: Date; note?: string }>;
  createdAt: Date;
  updatedAt: Date;
  // Issue 18 points 5 and 7.
  deliveryWindow?: { start: Date; end: Date } | null;
  feedback?: { rating: number; comment?: string; at: Date } | null;
}

// Annotated as a plain Schema: the inferred type is too large to emit, and OrderDocument types the model.
export const orderSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    orderNumber: { type: String, required: true, unique: true },
    customer: { name: { type: String, required: true }, email: { type: String, required: true } },
    items: [
      {
        _id: false,
        sku: { type: String, required: true },
        name: { type: String, required: true },
        quantity: { type: Number, required: true },
        unitPriceCents: { type: Number, required: true },
      },
    ],
    deliveryAddress: {
      line1: { type: String, required: true },
      line2: String,
      city: { type: String, required: true },
      postcode: { type: String, required: true },
      country: { type: String, required: true },
      lat: Number,
      lng: Number,
    },
    deliveryInstructions: { type: String, default: null },
    deliveryMethod: { type: String, default: null },
    status: { type: String, enum: ORDER_STATUSES, required: true },
    trackingNumber: { type: String, default: null },
    history: [{ _id: false, status: { type: String, enum: ORDER_STATUSES, required: true }, at: { type: Date, required: true }, note: String }],
    version: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    // An untyped array: events are stored as given (plain JSON), so the relay publishes exactly what was written.
    // Issue 18 point 5: the promised window; point 7: the customer's rating (absent until given).
    deliveryWindow: { type: new Schema({ start: { type: Date, required: true }, end: { type: Date, required: true } }, { _id: false }), default: undefined },
    feedback: {
      type: new Schema({ rating: { type: Number, required: true }, comment: String, at: { type: Date, required: true } }, { _id: false }),
      default: undefined,
    },
    pendingEvents: { type: Array, default: [] },
    outboxSince: Date,
  },
  { versionKey: false, autoIndex: false, minimize: false, collection: 'orders' },
);
orderSchema.index({ createdAt: -1, _id: -1 });
orderSchema.index({ status: 1, createdAt: -1, _id: -1 });
orderSchema.index({ outboxSince: 1, _id: 1 }, { sparse: true });
orderSchema.index({ 'feedback.at': -1 }, { sparse: true });

/** The fields a status change may alter; id, number, customer, items and address never change. */
export function mutableFieldsOf(order: OrderSnapshot) {
  return {
    status: order.status,
    trackingNumber: order.trackingNumber,
    history: plainJson(order.history).map((entry) => ({ ...entry, at: new Date(entry.at) })),
    version: order.version,
    updatedAt: new Date(order.updatedAt),
  };
}

export function toOrderDocument(order: OrderSnapshot, created: OrderCreatedEvent): OrderDocument {
  const plain = plainJson(order);
  return {
    _id: plain.id,
    orderNumber: plain.orderNumber,
    customer: plain.customer,
    items: plain.items,
    deliveryAddress: plain.deliveryAddress,
    deliveryInstructions: plain.deliveryInstructions ?? null,
    deliveryMethod: plain.deliveryMethod ?? null,
    ...mutableFieldsOf(plain),
    createdAt: new Date(plain.createdAt),
    ...(plain.deliveryWindow ? { deliveryWindow: { start: new Date(plain.deliveryWindow.start), end: new Date(plain.deliveryWindow.end) } } : {}),
    ...newOutboxFields<OrderEvent>(created),
  };
}

export function toOrderSnapshot(doc: Omit<OrderDocument, keyof OutboxFields<OrderEvent>> & { version: number }): OrderSnapshot {
  return {
    id: doc._id,
    orderNumber: doc.orderNumber,
    customer: { name: doc.customer.name, email: doc.customer.email },
    items: doc.items.map(({ sku, name, quantity, unitPriceCents }) => ({ sku, name, quantity, unitPriceCents })),
    deliveryAddress: withoutAbsent(doc.deliveryAddress),
    ...(doc.deliveryInstructions ? { deliveryInstructions: doc.deliveryInstructions } : {}),
    ...(doc.deliveryMethod ? { deliveryMethod: doc.deliveryMethod } : {}),
    status: doc.status,
    trackingNumber: doc.trackingNumber ?? null,
    history: doc.history.map((entry) => withoutAbsent({ status: entry.status, at: entry.at.toISOString(), note: entry.note })),
    version: doc.version,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
    ...(doc.deliveryWindow ? { deliveryWindow: { start: doc.deliveryWindow.start.toISOString(), end: doc.deliveryWindow.end.toISOString() } } : {}),
    ...(doc.feedback ? { feedback: toFeedback(doc.feedback) } : {}),
  };
}

export function toFeedback(stored: { rating: number; comment?: string | null; at: Date }): OrderFeedback {
  return { rating: stored.rating, ...(typeof stored.comment === 'string' ? { comment: stored.comment } : {}), at: stored.at.toISOString() };
}

/** MongoDB hands back optional fields as null or missing; the snapshot has them missing. */
function withoutAbsent<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as T;
}
