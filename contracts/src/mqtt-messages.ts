import { z } from 'zod';
import { addressSchema, isoDateTime, latitudeSchema, longitudeSchema, orderNumberSchema } from './order.js';
import { orderStatusSchema } from './order-status.js';
import { deliveryStatusSchema, riderReportedStatusSchema } from './delivery-status.js';
import { deliveryHistoryEntrySchema, etaSchema, positionSchema, reportIdSchema, riderIdSchema } from './delivery.js';

/** Retained on `orders/<orderId>/status`. */
export const orderStatusMessageSchema = z.object({
  orderId: z.uuid(),
  orderNumber: orderNumberSchema,
  status: orderStatusSchema,
  trackingNumber: z.string().nullable(),
  version: z.number().int().min(1),
  updatedAt: isoDateTime,
});
export type OrderStatusMessage = z.infer<typeof orderStatusMessageSchema>;

/** Published (not retained) on `admin/orders` for every change, for the live console. */
export const adminFeedMessageSchema = z.object({
  eventId: z.uuid(),
  type: z.string(),
  orderId: z.uuid(),
  orderNumber: orderNumberSchema.optional(),
  status: z.string().optional(),
  version: z.number().int().min(1),
  occurredAt: isoDateTime,
  data: z.unknown(),
});
export type AdminFeedMessage = z.infer<typeof adminFeedMessageSchema>;

/** Retained on `orders/<orderId>/tracking`. */
export const orderTrackingMessageSchema = z.object({
  orderId: z.uuid(),
  deliveryId: z.uuid(),
  status: deliveryStatusSchema,
  rider: z.object({ id: riderIdSchema, name: z.string() }).optional(),
  history: z.array(deliveryHistoryEntrySchema),
  eta: etaSchema.optional(),
  failureReason: z.string().optional(),
  version: z.number().int().min(1),
  /** Issue 18 point 6: how many of the rider's other stops come before this one (a count: nothing about the other customers). */
  stopsBefore: z.number().int().min(0).optional(),
});
export type OrderTrackingMessage = z.infer<typeof orderTrackingMessageSchema>;

/** Retained on `orders/<orderId>/location`: the rider's last position and the ETA it gives. */
export const orderLocationMessageSchema = positionSchema.extend({
  version: z.number().int().min(1).optional(),
  eta: etaSchema.optional(),
});
export type OrderLocationMessage = z.infer<typeof orderLocationMessageSchema>;

/** Retained on `riders/<riderId>/assignments`: the rider's open deliveries. */
export const riderAssignmentsMessageSchema = z.object({
  riderId: riderIdSchema,
  deliveries: z.array(
    z.object({
      deliveryId: z.uuid(),
      orderId: z.uuid(),
      orderNumber: orderNumberSchema,
      status: deliveryStatusSchema,
      address: addressSchema,
    }),
  ),
  updatedAt: isoDateTime,
});
export type RiderAssignmentsMessage = z.infer<typeof riderAssignmentsMessageSchema>;

/** Published by a rider's device on `riders/<riderId>/deliveries/<deliveryId>/status`. */
export const riderStatusReportSchema = z.object({
  status: riderReportedStatusSchema,
  at: isoDateTime,
  note: z.string().max(500).optional(),
  lat: latitudeSchema.optional(),
  lng: longitudeSchema.optional(),
  reportId: reportIdSchema.optional(),
});
export type RiderStatusReport = z.infer<typeof riderStatusReportSchema>;

/** Published by a rider's device on `riders/<riderId>/location`. */
export const riderLocationReportSchema = positionSchema.extend({ reportId: reportIdSchema.optional() });
export type RiderLocationReport = z.infer<typeof riderLocationReportSchema>;
