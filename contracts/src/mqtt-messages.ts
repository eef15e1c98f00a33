import { z } from 'zod';
import { isoDateTime, orderNumberSchema } from './order.js';
import { orderStatusSchema } from './order-status.js';

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
