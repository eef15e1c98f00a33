import { z } from 'zod';
import { deliveryStatusSchema } from './delivery-status.js';
import { deliveryHistoryEntrySchema, positionSchema } from './delivery.js';
import { latitudeSchema, longitudeSchema } from './order.js';

/** GET /deliveries/:id/track: what a replay needs of a delivery, from its stored history. */
export const deliveryTrackSchema = z.object({
  deliveryId: z.uuid(),
  orderId: z.uuid(),
  status: deliveryStatusSchema,
  rider: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** The delivery's status changes, oldest first. */
  history: z.array(deliveryHistoryEntrySchema),
  /** The address, when its coordinates are known. */
  destination: z.object({ lat: latitudeSchema, lng: longitudeSchema }).nullable(),
  /** The rider positions kept, oldest first (at most `kept.maxPerDelivery`, the newest). */
  points: z.array(positionSchema),
  kept: z.object({ maxPerDelivery: z.number().int().min(1), retentionDays: z.number().int().min(1) }),
});
export type DeliveryTrack = z.infer<typeof deliveryTrackSchema>;
