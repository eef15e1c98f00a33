import type { OrderSnapshot, OrderStatus } from '@orderpulse/contracts';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  /** The Retry-After header, when the service sent one (429, 503). */
  retryAfter?: string;
}

export interface NewOrder {
  customer: { name: string; email: string };
  items: Array<{ sku: string; name: string; quantity: number; unitPriceCents: number }>;
  deliveryAddress: { line1: string; city: string; postcode: string; country: string; lat?: number; lng?: number };
  /** For the rider (issue 18 point 4). */
  deliveryInstructions?: string;
  deliveryMethod?: 'hand_to_customer' | 'leave_at_door' | 'safe_place';
  /** Issue 18 point 5: the promised window; the service gives a default one without it. */
  deliveryWindow?: { start: string; end: string };
}

export function aNewOrder(overrides: Partial<NewOrder> = {}): NewOrder {
  return {
    customer: { name: 'Grace Hopper', email: 'grace@example.com' },
    items: [{ sku: 'MUG-01', name: 'Enamel mug', quantity: 1, unitPriceCents: 1200 }],
    deliveryAddress: { line1: '12 Harbour Road', city: 'Bristol', postcode: 'BS1 5TY', country: 'GB', lat: 51.4495, lng: -2.5966 },
    ...overrides,
  };
}

/** A thin client for orders-service, used by the tests and by `npm start` to seed demo data. */
export class OrdersClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown, rawBody?: string): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined || rawBody !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)) });
    const text = await res.text();
    const retryAfter = res.headers.get('retry-after');
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, ...(retryAfter ? { retryAfter } : {}) };
  }

  async logIn(username: string, password: string): Promise<{ token: string; expiresAt: string }> {
    const res = await this.call<{ token: string; expiresAt: string }>('POST', '/auth/login', { username, password });
    if (res.status !== 200) throw new Error(`admin login failed (${res.status}): check ADMIN_USERNAME / ADMIN_PASSWORD`);
    return res.body;
  }

  listOrders(limit = 20, status?: string) {
    return this.call<{ items: OrderSnapshot[]; nextCursor: string | null }>('GET', `/orders?limit=${limit}${status ? `&status=${status}` : ''}`);
  }

  lookUp(orderNumber: string, email: string) {
    return this.call<{ orderId: string; orderNumber: string; trackingToken: string }>('POST', '/tracking/lookup', { orderNumber, email });
  }

  createOrder(order: NewOrder = aNewOrder()) {
    return this.call<OrderSnapshot & { trackingToken: string }>('POST', '/orders', order);
  }

  getOrder(id: string) {
    return this.call<OrderSnapshot>('GET', `/orders/${id}`);
  }

  changeStatus(id: string, body: { status: OrderStatus; note?: string; trackingNumber?: string } | Record<string, unknown>) {
    return this.call<OrderSnapshot>('PATCH', `/orders/${id}/status`, body);
  }

  /** Issue 18 point 7: the customer's rating (this client's token must be the order's tracking token). */
  rate(id: string, body: { rating: number; comment?: string } | Record<string, unknown>) {
    return this.call<{ rating: number; comment?: string; at: string } | { error: { code: string; message: string } }>('POST', `/orders/${id}/feedback`, body);
  }

  patchRaw(id: string, rawBody: string) {
    return this.call<unknown>('PATCH', `/orders/${id}/status`, undefined, rawBody);
  }
}
