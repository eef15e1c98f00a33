import { z } from 'zod';
import { orderStatusSchema } from './order-status.js';

export const isoDateTime = z.iso.datetime({ offset: true });

export const latitudeSchema = z.number().min(-90).max(90);
export const longitudeSchema = z.number().min(-180).max(180);

export const addressSchema = z.object({
  line1: z.string().trim().min(1).max(200),
  line2: z.string().trim().max(200).optional(),
  city: z.string().trim().min(1).max(100),
  postcode: z.string().trim().min(1).max(20),
  country: z.string().trim().length(2),
  lat: latitudeSchema.optional(),
  lng: longitudeSchema.optional(),
});
export type Address = z.infer<typeof addressSchema>;

export const customerSchema = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(254),
});
export type Customer = z.infer<typeof customerSchema>;

export const orderItemSchema = z.object({
  sku: z.string().trim().min(1).max(64),
  name: z.string().trim().min(1).max(200),
  quantity: z.number().int().min(1).max(1000),
  unitPriceCents: z.number().int().min(0),
});
export type OrderItem = z.infer<typeof orderItemSchema>;

export const statusHistoryEntrySchema = z.object({
  status: orderStatusSchema,
  at: isoDateTime,
  note: z.string().max(500).optional(),
});
export type OrderStatusHistoryEntry = z.infer<typeof statusHistoryEntrySchema>;

// Issue 18 point 5 (lateness): the delivery window promised to the customer when the order was placed.
/** The promised delivery window: the parcel should arrive between `start` and `end`. */
export const deliveryWindowSchema = z
  .object({ start: isoDateTime, end: isoDateTime })
  .refine((w) => Date.parse(w.end) > Date.parse(w.start), { message: 'the window must end after it starts', path: ['end'] });
export type DeliveryWindow = z.infer<typeof deliveryWindowSchema>;

/** A customer's rating of a delivered order (issue 18 point 7): 1 to 5 stars and an optional comment, given once. */
export const FEEDBACK_COMMENT_MAX_LENGTH = 1000;
export const orderFeedbackSchema = z.object({
  rating: z.number().int().min(1).max(5),
  comment: z.string().max(FEEDBACK_COMMENT_MAX_LENGTH).optional(),
  at: isoDateTime,
});
export type OrderFeedback = z.infer<typeof orderFeedbackSchema>;

export const orderNumberSchema = z.string().regex(/^OP-[0-9A-Z]{6,12}$/, 'expected an order number like OP-7K2M9Q');

/** How the parcel is to be handed over (issue 18 point 4); it decides which proof of delivery is asked for. */
export const DELIVERY_METHODS = ['hand_to_customer', 'leave_at_door', 'safe_place'] as const;
export const deliveryMethodSchema = z.enum(DELIVERY_METHODS);
export type DeliveryMethod = z.infer<typeof deliveryMethodSchema>;

/** What the customer tells the rider (gate code, "leave it with the neighbour"): seen by the assigned rider and admins only. */
export const MAX_DELIVERY_INSTRUCTIONS = 300;
export const deliveryInstructionsSchema = z.string().trim().min(1).max(MAX_DELIVERY_INSTRUCTIONS);

/** The public shape of an order: what the API returns and what order.created carries. */
export const orderSnapshotSchema = z.object({
  id: z.uuid(),
  orderNumber: orderNumberSchema,
  customer: customerSchema,
  items: z.array(orderItemSchema).min(1),
  deliveryAddress: addressSchema,
  /** Absent on orders placed before instructions existed. */
  deliveryInstructions: deliveryInstructionsSchema.optional(),
  deliveryMethod: deliveryMethodSchema.optional(),
  status: orderStatusSchema,
  trackingNumber: z.string().nullable(),
  history: z.array(statusHistoryEntrySchema),
  version: z.number().int().min(1),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  // Issue 18 point 5: absent on orders placed before windows existed.
  deliveryWindow: deliveryWindowSchema.optional(),
  // Issue 18 point 7: the customer's rating, once delivered and rated.
  feedback: orderFeedbackSchema.optional(),
});
export type OrderSnapshot = z.infer<typeof orderSnapshotSchema>;
