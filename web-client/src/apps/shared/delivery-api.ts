import { z } from 'zod';
import {
  confirmReceiptsResponseSchema,
  type ConfirmReceiptsResponse,
  deliverySnapshotSchema,
  deliveryStatusSchema,
  deliveryTrackSchema,
  hopHistoryResponseSchema,
  type HopHistoryResponse,
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
// Issue 18 point 5: GET /stats/punctuality.
const nullableNumber = z.number().nullable();
export const punctualityReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  delivered: z.number(),
  withWindow: z.number(),
  onTime: z.number(),
  late: z.number(),
  onTimeRate: nullableNumber,
  etaAccuracy: z.object({
    measured: z.number(),
    meanAbsoluteErrorMinutes: nullableNumber,
    meanSignedErrorMinutes: nullableNumber,
    withinFiveMinutesRate: nullableNumber,
  }),
  truncated: z.boolean(),
});
export type PunctualityReport = z.infer<typeof punctualityReportSchema>;

// Issue 18 point 6: a rider's stops in order.
export const riderStopsSchema = z.object({
  items: z.array(z.object({ deliveryId: z.uuid(), orderNumber: z.string(), status: deliveryStatusSchema, stopsBefore: z.number() })),
});
export type RiderStops = z.infer<typeof riderStopsSchema>['items'];

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

  /** The PIN the customer reads out; rejects with ApiError `wrong_pin` (attempts left in its message) or `pin_locked`. */
  enterPin(deliveryId: string, pin: string): Promise<DeliverySnapshot> {
    return this.http.request('POST', `/deliveries/${encodeURIComponent(deliveryId)}/proof/pin`, { body: { pin }, schema: deliverySnapshotSchema });
  }

  /** A photo or signature of the handover (image/jpeg, png or webp, up to 2 MB). */
  uploadProof(deliveryId: string, kind: 'photo' | 'signature', image: Blob): Promise<DeliverySnapshot> {
    return this.http.request('POST', `/deliveries/${encodeURIComponent(deliveryId)}/proof/${kind}`, {
      raw: { data: image, contentType: image.type },
      schema: deliverySnapshotSchema,
    });
  }

  /** Admin: lets the rider enter a PIN again after too many wrong ones. */
  unlockPin(deliveryId: string): Promise<DeliverySnapshot> {
    return this.http.request('POST', `/deliveries/${encodeURIComponent(deliveryId)}/proof/unlock`, { body: {}, schema: deliverySnapshotSchema });
  }

  /** Issue 18 point 5: on-time rate and ETA accuracy of the deliveries handed over in [from, to) (admin). */
  /** Issue 17 point 1: when RabbitMQ confirmed the recent delivery events of an order (admin). */
  /** Issue 17 point 4: the order's hop times kept for its replay: its delivery's confirms, every change's broker and device receipts (admins). */
  hopHistory(orderId: string): Promise<HopHistoryResponse> {
    return this.http.request('GET', `/hop-history/${encodeURIComponent(orderId)}`, { schema: hopHistoryResponseSchema });
  }

  hopReceipts(orderId: string): Promise<ConfirmReceiptsResponse> {
    return this.http.request('GET', `/receipts/${encodeURIComponent(orderId)}`, { schema: confirmReceiptsResponseSchema });
  }

  punctuality(from: Date, to: Date): Promise<PunctualityReport> {
    const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
    return this.http.request('GET', `/stats/punctuality?${query.toString()}`, { schema: punctualityReportSchema });
  }

  /** Issue 18 point 6: the rider's stops, first first. */
  async riderStops(riderId: string): Promise<RiderStops> {
    return (await this.http.request('GET', `/riders/${encodeURIComponent(riderId)}/stops`, { schema: riderStopsSchema })).items;
  }

  /** Issue 18 point 6: the dispatcher's order (every open delivery of the rider once). */
  async setRiderStops(riderId: string, deliveryIds: string[]): Promise<RiderStops> {
    return (await this.http.request('POST', `/riders/${encodeURIComponent(riderId)}/stops`, { body: { deliveryIds }, schema: riderStopsSchema })).items;
  }

  assignments(riderId: string): Promise<RiderAssignmentsMessage> {
    return this.http.request('GET', `/riders/${encodeURIComponent(riderId)}/assignments`, { schema: riderAssignmentsMessageSchema });
  }
}
