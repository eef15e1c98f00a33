import { z } from 'zod';
import { orderSnapshotSchema, type OrderSnapshot, type OrderStatus } from '@orderpulse/contracts';
import type { ApiClient } from './api-client.js';

const loginSchema = z.object({ token: z.string().min(1), expiresAt: z.string(), role: z.literal('admin') });
export type AdminLogin = z.infer<typeof loginSchema>;

const trackingAccessSchema = z.object({ orderId: z.uuid(), orderNumber: z.string(), trackingToken: z.string().min(1) });
export type TrackingAccess = z.infer<typeof trackingAccessSchema>;

const orderPageSchema = z.object({ items: z.array(orderSnapshotSchema), nextCursor: z.string().nullable().optional() });
export type OrderPage = z.infer<typeof orderPageSchema>;

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

  changeStatus(orderId: string, change: StatusChange): Promise<OrderSnapshot> {
    return this.http.request('PATCH', `/orders/${encodeURIComponent(orderId)}/status`, { body: change, schema: orderSnapshotSchema });
  }
}
