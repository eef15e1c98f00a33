import { z } from 'zod';
import { deliveryStatusSchema, riderIdSchema, riderReportedStatusSchema, riderSchema } from '@orderpulse/contracts';
import { DEFAULT_LIST_SIZE, MAX_LIST_SIZE } from '../domain/query-deliveries.js';
import { MAX_STOPS } from '../domain/rider-stops.js';

export const deliveryIdParamsSchema = z.object({ id: z.uuid() });
export const riderIdParamsSchema = z.object({ id: riderIdSchema });

export const listDeliveriesQuerySchema = z.object({
  orderId: z.uuid().optional(),
  riderId: riderIdSchema.optional(),
  status: deliveryStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIST_SIZE).default(DEFAULT_LIST_SIZE),
});

const note = z.string().trim().min(1).max(500);

export const assignBodySchema = z.object({ riderId: riderIdSchema, note: note.optional() });

/** Assignment has its own route; `reason` goes with `failed` and nothing else. */
export const changeStatusBodySchema = z
  .object({ status: riderReportedStatusSchema, note: note.optional(), reason: note.optional() })
  .superRefine((body, ctx) => {
    if (body.status === 'failed' && body.reason === undefined) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'a reason is required when a delivery fails' });
    }
    if (body.status !== 'failed' && body.reason !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'a reason is only given when a delivery fails' });
    }
  });

export const newRiderBodySchema = z.object({
  id: riderIdSchema.optional(),
  name: riderSchema.shape.name,
  phone: z.string().trim().min(1).max(40).optional(),
});

/** Issue 18 point 6: POST /riders/:id/stops, every open delivery of the rider once, first stop first. */
export const riderStopsBodySchema = z.object({ deliveryIds: z.array(z.uuid()).min(1).max(MAX_STOPS) });
