import { z } from 'zod';
import {
  addressSchema,
  customerSchema,
  deliveryInstructionsSchema,
  deliveryMethodSchema,
  deliveryWindowSchema,
  orderFeedbackSchema,
  orderItemSchema,
  orderNumberSchema,
  orderStatusSchema,
  FEEDBACK_COMMENT_MAX_LENGTH,
} from '@orderpulse/contracts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../domain/list-orders.js';
import { cursorSchema } from './order-cursor.js';

export const orderIdParamsSchema = z.object({ id: z.uuid() });

export const createOrderBodySchema = z.object({
  customer: customerSchema,
  items: z.array(orderItemSchema).min(1).max(100),
  deliveryAddress: addressSchema,
  /** For the rider (gate code, where to leave it); trimmed, 1–300 characters. */
  deliveryInstructions: deliveryInstructionsSchema.optional(),
  /** Hand to the customer (the default), leave at the door, or a safe place: decides the proof of delivery. */
  deliveryMethod: deliveryMethodSchema.optional(),
  deliveryWindow: deliveryWindowSchema.optional(),
});

/** Issue 18 point 7: the customer's rating (the time is the server's). */
export const feedbackBodySchema = orderFeedbackSchema.pick({ rating: true }).extend({
  comment: z.string().trim().max(FEEDBACK_COMMENT_MAX_LENGTH).optional(),
});

export const listOrdersQuerySchema = z.object({
  status: orderStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: cursorSchema.optional(),
});

export const changeStatusBodySchema = z.object({
  status: orderStatusSchema,
  note: z.string().trim().min(1).max(500).optional(),
  trackingNumber: z.string().trim().min(1).max(100).optional(),
});

export const trackingLookupBodySchema = z.object({
  orderNumber: z.string().trim().toUpperCase().pipe(orderNumberSchema),
  email: z.string().trim().pipe(z.email()),
});

export const loginBodySchema = z.object({
  username: z.string().min(1).max(200),
  password: z.string().min(1).max(200),
});
