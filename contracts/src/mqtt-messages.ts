import { z } from 'zod';
import { addressSchema, deliveryInstructionsSchema, deliveryMethodSchema, isoDateTime, latitudeSchema, longitudeSchema, orderNumberSchema } from './order.js';
import { orderStatusSchema } from './order-status.js';
import { deliveryStatusSchema, riderReportedStatusSchema } from './delivery-status.js';
import { deliveryHistoryEntrySchema, deliveryProofSchema, etaSchema, positionSchema, proofKindSchema, reportIdSchema, riderIdSchema } from './delivery.js';

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
  /** When the rider came within the arrival radius of the address (delivery.arriving); absent before. */
  arrivingAt: isoDateTime.optional(),
  /**
   * The proof "delivered" needs, for the customer (the PIN to read out to the rider) and admins;
   * this topic is theirs alone. Without the count of wrong PINs.
   */
  proof: deliveryProofSchema.omit({ failedPinAttempts: true }).optional(),
  version: z.number().int().min(1),
  /** Issue 18 point 6: how many of the rider's other stops come before this one (a count: nothing about the other customers). */
  stopsBefore: z.number().int().min(0).optional(),
});
export type OrderTrackingMessage = z.infer<typeof orderTrackingMessageSchema>;

/**
 * Retained on `orders/<orderId>/location`: the rider's last position and the ETA it gives, only
 * while the rider is on the way (cleared by an empty retained message when the delivery ends).
 * `approximateMeters` when the notifier snapped the position to a grid of that size (far away).
 */
export const orderLocationMessageSchema = positionSchema.extend({
  version: z.number().int().min(1).optional(),
  eta: etaSchema.optional(),
  approximateMeters: z.number().int().min(1).optional(),
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
      /** For this rider only (the topic is theirs): the customer's instructions and how to hand over. */
      instructions: deliveryInstructionsSchema.optional(),
      method: deliveryMethodSchema.optional(),
      /** The proof "delivered" needs (never the PIN itself), whether it was given, and a PIN locked after too many wrong ones. */
      proof: z.object({ required: proofKindSchema, given: z.boolean(), locked: z.boolean() }).optional(),
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

/** Published by a rider's device on `riders/<riderId>/heartbeat` while a delivery is open (the broker refuses more than 256 bytes). */
export const riderHeartbeatSchema = z.object({ at: isoDateTime });
export type RiderHeartbeat = z.infer<typeof riderHeartbeatSchema>;
export const RIDER_HEARTBEAT_MAX_BYTES = 256;

/** Retained on `riders/<riderId>/presence` by the broker: the rider's first connection opened, or the last one closed, at `at`. */
export const riderPresenceMessageSchema = z.object({ riderId: riderIdSchema, online: z.boolean(), at: isoDateTime });
export type RiderPresenceMessage = z.infer<typeof riderPresenceMessageSchema>;

/**
 * Retained on `orders/<orderId>/signal` by the notifier while the rider is on the way to that
 * order (cleared when the delivery ends): whether the rider's device is connected, when it was
 * last heard from (heartbeat, position or connection), and when the connection was lost.
 */
export const orderSignalMessageSchema = z.object({
  online: z.boolean(),
  lastSeenAt: isoDateTime.optional(),
  lostAt: isoDateTime.optional(),
});
export type OrderSignalMessage = z.infer<typeof orderSignalMessageSchema>;

/**
 * Issue 17 point 1, on `admin/receipts/<orderId>` (not retained, admins only). `published`: when
 * the broker accepted the notifier's publish of a customer message (both times are that moment;
 * `eventId` is not known there). `device`:
 * the broker got the first customer device's receipt of that (topic, version), or saw
 * that no customer device was subscribed when it was published (`watching: false`).
 */
export const hopReceiptSchema = z.discriminatedUnion('hop', [
  z.object({
    hop: z.literal('published'),
    orderId: z.uuid(),
    eventId: z.uuid().optional(),
    topic: z.string().max(200),
    version: z.number().int().min(1),
    publishedAt: isoDateTime,
    pubackAt: isoDateTime,
  }),
  z.object({
    hop: z.literal('device'),
    orderId: z.uuid(),
    topic: z.string().max(200),
    version: z.number().int().min(1),
    watching: z.boolean(),
    /** When the broker got the first customer device's receipt of it; absent when nobody was watching. */
    deviceAckAt: isoDateTime.optional(),
  }),
]);
export type HopReceipt = z.infer<typeof hopReceiptSchema>;

/** Issue 17 point 1: `GET /receipts/:orderId` of orders-service and delivery-service (admins): when RabbitMQ confirmed each recent event. */
export const confirmReceiptsResponseSchema = z.object({
  orderId: z.uuid(),
  receipts: z.array(
    z.object({ eventId: z.string(), type: z.string(), version: z.number().int().min(1), occurredAt: isoDateTime.optional(), confirmedAt: isoDateTime }),
  ),
});
export type ConfirmReceiptsResponse = z.infer<typeof confirmReceiptsResponseSchema>;

/** Issue 17 point 1: the largest payload a customer device may publish on `orders/<orderId>/receipt`. */
export const ORDER_RECEIPT_MAX_BYTES = 128;

/** Issue 17 point 1, published (not retained) by a customer's page on `orders/<orderId>/receipt` once it applied a status or tracking message. */
export const orderReceiptMessageSchema = z.object({ topic: z.enum(['status', 'tracking']), version: z.number().int().min(1) });
export type OrderReceiptMessage = z.infer<typeof orderReceiptMessageSchema>;
