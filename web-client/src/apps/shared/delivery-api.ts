import { z } from 'zod';
import {
  deliverySnapshotSchema,
  deliveryTrackSchema,
  riderAssignmentsMessageSchema,
  riderSchema,
  type DeliverySnapshot,
  type DeliveryTrack,
  type DeliveryStatus,
  type RiderAssignmentsMessage,
} from '@orderpulse/contracts';
import type { ApiClient } from './api-client.js';

/** What the console needs of a rider; `createdAt` is not relied on. */
const riderSummarySchema = riderSchema.pick({ id: true, name: true, phone: true });
export type RiderSummary = z.infer<typeof riderSummarySchema>;

const ridersSchema = z.object({ items: z.array(riderSummarySchema) });
const deliveriesSchema = z.object({ items: z.array(deliverySnapshotSchema) });
const riderTokenSchema = z.object({ token: z.string().min(1), expiresAt: z.string() });
export type RiderToken = z.infer<typeof riderTokenSchema>;

/** delivery-service as the browser apps use it. */
export class DeliveryApi {
  constructor(private readonly http: ApiClient) {}

  /** The newest deliveries in `status` (admin); at most `limit`. */
  async deliveriesIn(status: DeliveryStatus, limit = 200): Promise<DeliverySnapshot[]> {
    const page = await this.http.request('GET', `/deliveries?status=${encodeURIComponent(status)}&limit=${limit}`, { schema: deliveriesSchema });
    return page.items;
  }

  async deliveriesOfOrder(orderId: string): Promise<DeliverySnapshot[]> {
    const page = await this.http.request('GET', `/deliveries?orderId=${encodeURIComponent(orderId)}`, { schema: deliveriesSchema });
    return page.items;
  }

  /** The delivery's statuses and kept rider positions, for a replay (admins; the customer once delivered if allowed). */
  track(deliveryId: string): Promise<DeliveryTrack> {
    return this.http.request('GET', `/deliveries/${encodeURIComponent(deliveryId)}/track`, { schema: deliveryTrackSchema });
  }

  assign(deliveryId: string, riderId: string): Promise<DeliverySnapshot> {
    return this.http.request('POST', `/deliveries/${encodeURIComponent(deliveryId)}/assign`, { body: { riderId }, schema: deliverySnapshotSchema });
  }

  async riders(): Promise<RiderSummary[]> {
    return (await this.http.request('GET', '/riders', { schema: ridersSchema })).items;
  }

  createRider(rider: { name: string; phone?: string }): Promise<RiderSummary> {
    return this.http.request('POST', '/riders', { body: rider, schema: riderSummarySchema });
  }

  issueRiderToken(riderId: string): Promise<RiderToken> {
    return this.http.request('POST', `/riders/${encodeURIComponent(riderId)}/token`, { body: {}, schema: riderTokenSchema });
  }

  assignments(riderId: string): Promise<RiderAssignmentsMessage> {
    return this.http.request('GET', `/riders/${encodeURIComponent(riderId)}/assignments`, { schema: riderAssignmentsMessageSchema });
  }
}
