import { Schema } from 'mongoose';
import { newOutboxFields, plainJson, type OutboxFields } from '@orderpulse/service-kit';
import {
  deliveredAt,
  DELIVERY_STATUSES,
  type Eta,
  type DeliveryCreatedEvent,
  type DeliveryProof,
  type DeliveryEvent,
  type DeliverySnapshot,
  type DeliveryStatus,
} from '@orderpulse/contracts';

/** How a delivery is stored in MongoDB: the snapshot with real dates, keyed by the delivery id, and its outbox. */
export interface DeliveryDocument extends OutboxFields<DeliveryEvent> {
  _id: string;
  orderId: string;
  orderNumber: string;
  status: DeliveryStatus;
  rider: { id: string; name: string } | null;
  address: DeliverySnapshot['address'];
  history: Array<{ status: DeliveryStatus; at: Date; note?: string; lat?: number; lng?: number; reportId?: string }>;
  lastPosition: { lat: number; lng: number; heading?: number; at: Date } | null;
  eta: { at: Date; minutes: number; distanceKm: number; basedOnPositionAt: Date } | null;
  failureReason: string | null;
  /** Absent in documents written before arrival was recorded. */
  arrivingAt?: Date | null;
  instructions?: string | null;
  method?: DeliverySnapshot['method'] | null;
  /** Stored as plain JSON (ISO strings): read whole, changed whole. */
  proof?: DeliveryProof | null;
  createdAt: Date;
  updatedAt: Date;
  // Issue 18 points 5 (lateness) and 6 (stops).
  promisedWindow?: { start: Date; end: Date } | null;
  etaAtPickup?: { at: Date; minutes: number; distanceKm: number; basedOnPositionAt: Date } | null;
  lateSince?: Date | null;
  deliveredAt?: Date | null;
  stopsBefore?: number | null;
  stopRank?: number | null;
}

const nested = (shape: Record<string, unknown>) => new Schema(shape, { _id: false });
const required = (type: unknown) => ({ type, required: true });

/** A fresh definition per schema: mongoose keeps what it is given. */
export const addressShape = () => ({
  line1: required(String),
  line2: String,
  city: required(String),
  postcode: required(String),
  country: required(String),
  lat: Number,
  lng: Number,
});

// Annotated as a plain Schema: the inferred type is too large to emit, and DeliveryDocument types the model.
export const deliverySchema: Schema = new Schema(
  {
    _id: required(String),
    orderId: { type: String, required: true, unique: true },
    orderNumber: required(String),
    status: { type: String, enum: DELIVERY_STATUSES, required: true },
    rider: { type: nested({ id: required(String), name: required(String) }), default: null },
    address: nested(addressShape()),
    history: [
      nested({
        status: { type: String, enum: DELIVERY_STATUSES, required: true },
        at: required(Date),
        note: String,
        lat: Number,
        lng: Number,
        reportId: String,
      }),
    ],
    lastPosition: { type: nested({ lat: required(Number), lng: required(Number), heading: Number, at: required(Date) }), default: null },
    eta: {
      type: nested({ at: required(Date), minutes: required(Number), distanceKm: required(Number), basedOnPositionAt: required(Date) }),
      default: null,
    },
    failureReason: { type: String, default: null },
    arrivingAt: { type: Date, default: null },
    instructions: { type: String, default: null },
    method: { type: String, default: null },
    proof: { type: Schema.Types.Mixed, default: null },
    // Issue 18 point 5: the promised window, the ETA at pickup, when it was found late, when it was delivered (for the statistics' query).
    promisedWindow: { type: nested({ start: required(Date), end: required(Date) }), default: undefined },
    etaAtPickup: {
      type: nested({ at: required(Date), minutes: required(Number), distanceKm: required(Number), basedOnPositionAt: required(Date) }),
      default: undefined,
    },
    lateSince: { type: Date, default: undefined },
    deliveredAt: { type: Date, default: undefined },
    // Issue 18 point 6.
    stopsBefore: { type: Number, default: undefined },
    stopRank: { type: Number, default: undefined },
    version: required(Number),
    createdAt: required(Date),
    updatedAt: required(Date),
    // An untyped array: events are stored as given (plain JSON), so the relay publishes exactly what was written.
    pendingEvents: { type: Array, default: [] },
    outboxSince: Date,
  },
  { versionKey: false, autoIndex: false, minimize: false, collection: 'deliveries' },
);
deliverySchema.index({ createdAt: -1, _id: -1 });
deliverySchema.index({ 'rider.id': 1, status: 1, createdAt: -1 });
deliverySchema.index({ outboxSince: 1, _id: 1 }, { sparse: true });
// Issue 18 point 5: the lateness sweep and the punctuality statistics.
deliverySchema.index({ 'promisedWindow.end': 1 }, { sparse: true });
deliverySchema.index({ deliveredAt: -1 }, { sparse: true });

/** MongoDB hands back optional fields as null or missing; the snapshot has them missing. */
export function withoutAbsent<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as T;
}

/** The fields a change may alter; id, order and address never change. */
export function mutableFieldsOf(delivery: DeliverySnapshot) {
  const plain = plainJson(delivery);
  return {
    status: plain.status,
    rider: plain.rider ? { id: plain.rider.id, name: plain.rider.name } : null,
    history: plain.history.map((entry) => ({ ...entry, at: new Date(entry.at) })),
    lastPosition: plain.lastPosition ? { ...plain.lastPosition, at: new Date(plain.lastPosition.at) } : null,
    eta: plain.eta ? { ...plain.eta, at: new Date(plain.eta.at), basedOnPositionAt: new Date(plain.eta.basedOnPositionAt) } : null,
    failureReason: plain.failureReason,
    arrivingAt: plain.arrivingAt ? new Date(plain.arrivingAt) : null,
    proof: plain.proof ?? null,
    version: plain.version,
    updatedAt: new Date(plain.updatedAt),
    ...lateness(plain),
  };
}

const etaDates = (eta: Eta) => ({ ...eta, at: new Date(eta.at), basedOnPositionAt: new Date(eta.basedOnPositionAt) });
const etaStrings = (eta: NonNullable<DeliveryDocument['eta']>): Eta => ({
  at: eta.at.toISOString(),
  minutes: eta.minutes,
  distanceKm: eta.distanceKm,
  basedOnPositionAt: eta.basedOnPositionAt.toISOString(),
});

/** Issue 18 points 5 and 6: what lateness and stops add; null (unset) when absent, so $set clears a field that went away. */
function lateness(plain: DeliverySnapshot) {
  const delivered = deliveredAt(plain);
  return {
    promisedWindow: plain.promisedWindow ? { start: new Date(plain.promisedWindow.start), end: new Date(plain.promisedWindow.end) } : null,
    etaAtPickup: plain.etaAtPickup ? etaDates(plain.etaAtPickup) : null,
    lateSince: plain.lateSince ? new Date(plain.lateSince) : null,
    deliveredAt: plain.status === 'delivered' && delivered ? new Date(delivered) : null,
    stopsBefore: plain.stopsBefore ?? null,
    stopRank: plain.stopRank ?? null,
  };
}

function latenessOfDocument(
  doc: Partial<Pick<DeliveryDocument, 'promisedWindow' | 'etaAtPickup' | 'lateSince' | 'stopsBefore' | 'stopRank'>>,
): Partial<DeliverySnapshot> {
  return {
    ...(doc.promisedWindow ? { promisedWindow: { start: doc.promisedWindow.start.toISOString(), end: doc.promisedWindow.end.toISOString() } } : {}),
    ...(doc.etaAtPickup ? { etaAtPickup: etaStrings(doc.etaAtPickup) } : {}),
    ...(doc.lateSince ? { lateSince: doc.lateSince.toISOString() } : {}),
    ...(typeof doc.stopsBefore === 'number' ? { stopsBefore: doc.stopsBefore } : {}),
    ...(typeof doc.stopRank === 'number' ? { stopRank: doc.stopRank } : {}),
  };
}

export function toDeliveryDocument(delivery: DeliverySnapshot, created: DeliveryCreatedEvent): DeliveryDocument {
  const plain = plainJson(delivery);
  return {
    _id: plain.id,
    orderId: plain.orderId,
    orderNumber: plain.orderNumber,
    address: plain.address,
    instructions: plain.instructions ?? null,
    method: plain.method ?? null,
    ...mutableFieldsOf(plain),
    createdAt: new Date(plain.createdAt),
    ...newOutboxFields<DeliveryEvent>(created),
  };
}

export function toDeliverySnapshot(doc: Omit<DeliveryDocument, keyof OutboxFields<DeliveryEvent>> & { version: number }): DeliverySnapshot {
  const { lastPosition, eta } = doc;
  return {
    id: doc._id,
    orderId: doc.orderId,
    orderNumber: doc.orderNumber,
    status: doc.status,
    rider: doc.rider ? { id: doc.rider.id, name: doc.rider.name } : null,
    address: withoutAbsent({ ...doc.address }),
    history: doc.history.map((h) => withoutAbsent({ status: h.status, at: h.at.toISOString(), note: h.note, lat: h.lat, lng: h.lng, reportId: h.reportId })),
    lastPosition: lastPosition
      ? withoutAbsent({ lat: lastPosition.lat, lng: lastPosition.lng, heading: lastPosition.heading, at: lastPosition.at.toISOString() })
      : null,
    eta: eta ? { at: eta.at.toISOString(), minutes: eta.minutes, distanceKm: eta.distanceKm, basedOnPositionAt: eta.basedOnPositionAt.toISOString() } : null,
    failureReason: doc.failureReason ?? null,
    ...(doc.arrivingAt ? { arrivingAt: doc.arrivingAt.toISOString() } : {}),
    ...(doc.instructions ? { instructions: doc.instructions } : {}),
    ...(doc.method ? { method: doc.method } : {}),
    ...(doc.proof ? { proof: withoutAbsent({ ...doc.proof }) } : {}),
    version: doc.version,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
    ...latenessOfDocument(doc),
  };
}
