import { z } from 'zod';
import {
  confirmReceiptsResponseSchema,
  type ConfirmReceiptsResponse,
  hopHistoryResponseSchema,
  type HopHistoryResponse,
  orderFeedbackSchema,
  orderNumberSchema,
  orderSnapshotSchema,
  type OrderFeedback,
  type OrderSnapshot,
  type OrderStatus,
} from '@orderpulse/contracts';
import type { ApiClient } from './api-client.js';

const loginSchema = z.object({ token: z.string().min(1), expiresAt: z.string(), role: z.literal('admin') });
export type AdminLogin = z.infer<typeof loginSchema>;

const trackingAccessSchema = z.object({ orderId: z.uuid(), orderNumber: z.string(), trackingToken: z.string().min(1) });
export type TrackingAccess = z.infer<typeof trackingAccessSchema>;

const orderPageSchema = z.object({ items: z.array(orderSnapshotSchema), nextCursor: z.string().nullable().optional() });
export type OrderPage = z.infer<typeof orderPageSchema>;

// Issue 18 point 7: ratings.
const feedbackSummarySchema = z.object({
  count: z.number(),
  average: z.number().nullable(),
  distribution: z.record(z.string(), z.number()),
  recent: z.array(z.object({ orderId: z.uuid(), orderNumber: orderNumberSchema, feedback: orderFeedbackSchema })),
});
export type FeedbackSummary = z.infer<typeof feedbackSummarySchema>;

export interface StatusChange {
  status: OrderStatus;
  note?: string;
  trackingNumber?: string;
}

/** orders-service as the browser apps use it. */
export class OrdersApi {
  constructor(private readonly http: ApiClient) {}

  login(username: string, password: string): Promise<AdminLogin> {
    return this.http.request('POST', '/auth/login', { body: { username, password }, schema: loginSchema });
  }

  lookUpTracking(orderNumber: string, email: string): Promise<TrackingAccess> {
    return this.http.request('POST', '/tracking/lookup', { body: { orderNumber, email }, schema: trackingAccessSchema });
  }

  listOrders(query: { status?: OrderStatus; limit?: number; cursor?: string } = {}): Promise<OrderPage> {
    const params = new URLSearchParams();
    if (query.status) params.set('status', query.status);
    if (query.limit) params.set('limit', String(query.limit));
    if (query.cursor) params.set('cursor', query.cursor);
    const search = params.toString() ? `?${params.toString()}` : '';
    return this.http.request('GET', `/orders${search}`, { schema: orderPageSchema });
  }

  getOrder(orderId: string, signal?: AbortSignal): Promise<OrderSnapshot> {
    return this.http.request('GET', `/orders/${encodeURIComponent(orderId)}`, { schema: orderSnapshotSchema, ...(signal ? { signal } : {}) });
  }

  /** Issue 18 point 7: the customer rates the delivered order (its tracking token), once. */
  rate(orderId: string, feedback: { rating: number; comment?: string }): Promise<OrderFeedback> {
    return this.http.request('POST', `/orders/${encodeURIComponent(orderId)}/feedback`, { body: feedback, schema: orderFeedbackSchema });
  }

  /** Issue 18 point 7: the average rating and the newest ratings (admin). */
  feedbackSummary(): Promise<FeedbackSummary> {
    return this.http.request('GET', '/feedback', { schema: feedbackSummarySchema });
  }

  /** Issue 17 point 1: when RabbitMQ confirmed the order's recent events (admin). */
  hopReceipts(orderId: string): Promise<ConfirmReceiptsResponse> {
    return this.http.request('GET', `/receipts/${encodeURIComponent(orderId)}`, { schema: confirmReceiptsResponseSchema });
  }

  /** Issue 17 point 4: when RabbitMQ confirmed the order's events, as kept for its replay (admin). */
  hopHistory(orderId: string): Promise<HopHistoryResponse> {
    return this.http.request('GET', `/hop-history/${encodeURIComponent(orderId)}`, { schema: hopHistoryResponseSchema });
  }

  changeStatus(orderId: string, change: StatusChange): Promise<OrderSnapshot> {
    return this.http.request('PATCH', `/orders/${encodeURIComponent(orderId)}/status`, { body: change, schema: orderSnapshotSchema });
  }
}
