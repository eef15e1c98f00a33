import { z } from 'zod';
import { addressSchema, deliveryWindowSchema, isoDateTime, latitudeSchema, longitudeSchema, orderNumberSchema } from './order.js';
import { deliveryStatusSchema } from './delivery-status.js';

export const riderIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a rider id of letters, digits, - or _');

/**
 * Made by the rider's device for each report (a UUID), so a report sent again after a lost
 * acknowledgement, or from the device's offline queue after a reload, is applied once.
 */
export const reportIdSchema = z.uuid();

export const riderSchema = z.object({
  id: riderIdSchema,
  name: z.string().trim().min(1).max(100),
  phone: z.string().trim().max(40).optional(),
  createdAt: isoDateTime,
});
export type Rider = z.infer<typeof riderSchema>;

export const positionSchema = z.object({
  lat: latitudeSchema,
  lng: longitudeSchema,
  heading: z.number().min(0).max(360).optional(),
  at: isoDateTime,
});
export type Position = z.infer<typeof positionSchema>;

export const etaSchema = z.object({
  at: isoDateTime,
  minutes: z.number().min(0),
  distanceKm: z.number().min(0),
  /** When the rider position this estimate is based on was reported, so a page can say how fresh it is. */
  basedOnPositionAt: isoDateTime,
});
export type Eta = z.infer<typeof etaSchema>;

export const deliveryHistoryEntrySchema = z.object({
  status: deliveryStatusSchema,
  at: isoDateTime,
  note: z.string().max(500).optional(),
  lat: latitudeSchema.optional(),
  lng: longitudeSchema.optional(),
  /** The rider report that made this entry, when a rider's device sent one with an id. */
  reportId: reportIdSchema.optional(),
});
export type DeliveryHistoryEntry = z.infer<typeof deliveryHistoryEntrySchema>;

export const deliverySnapshotSchema = z.object({
  id: z.uuid(),
  orderId: z.uuid(),
  orderNumber: orderNumberSchema,
  status: deliveryStatusSchema,
  rider: z.object({ id: riderIdSchema, name: z.string() }).nullable(),
  address: addressSchema,
  history: z.array(deliveryHistoryEntrySchema),
  lastPosition: positionSchema.nullable(),
  /** From the last position to the address (needs the address's lat/lng); null when unknown. */
  eta: etaSchema.nullable(),
  failureReason: z.string().max(500).nullable(),
  version: z.number().int().min(1),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  // Issue 18 point 5 (lateness): all absent on deliveries made before windows existed.
  /** The window promised to the customer, copied from the order. */
  promisedWindow: deliveryWindowSchema.optional(),
  /** The first ETA known once the parcel was picked up: what punctuality statistics compare the arrival with. */
  etaAtPickup: etaSchema.optional(),
  /** When the delivery was found late (ETA past the window's end, or the window passed); set once, with delivery.late. */
  lateSince: isoDateTime.optional(),
  // Issue 18 point 6: how many of the rider's other open stops come before this one; absent without a rider.
  stopsBefore: z.number().int().min(0).optional(),
  /** The key of the rider's stop order: when the rider was given the delivery, or the order the dispatcher set (smaller first). */
  stopRank: z.number().optional(),
});
export type DeliverySnapshot = z.infer<typeof deliverySnapshotSchema>;
