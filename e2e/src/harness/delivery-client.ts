import type { DeliverySnapshot, Rider } from '@orderpulse/contracts';
import type { ApiResponse } from './orders-client.js';

/** A thin client for delivery-service, used by the tests and by `npm start` to seed riders. */
export class DeliveryClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  createRider(rider: { id?: string; name: string; phone?: string }) {
    return this.call<Rider>('POST', '/riders', rider);
  }

  riderToken(riderId: string) {
    return this.call<{ token: string; expiresAt: string }>('POST', `/riders/${riderId}/token`, {});
  }

  deliveriesOfOrder(orderId: string) {
    return this.call<{ items: DeliverySnapshot[] } | DeliverySnapshot[]>('GET', `/deliveries?orderId=${orderId}`);
  }

  getDelivery(id: string) {
    return this.call<DeliverySnapshot>('GET', `/deliveries/${id}`);
  }

  assign(deliveryId: string, riderId: string) {
    return this.call<DeliverySnapshot>('POST', `/deliveries/${deliveryId}/assign`, { riderId });
  }

  changeStatus(deliveryId: string, change: { status: string; note?: string; reason?: string }) {
    return this.call<DeliverySnapshot>('PATCH', `/deliveries/${deliveryId}/status`, change);
  }

  unlockPin(deliveryId: string) {
    return this.call<DeliverySnapshot>('POST', `/deliveries/${deliveryId}/proof/unlock`, {});
  }

  /** The delivery of an order, once the shipped event has created it. */
  async deliveryOf(orderId: string): Promise<DeliverySnapshot | undefined> {
    const res = await this.deliveriesOfOrder(orderId);
    if (res.status !== 200) return undefined;
    const items = Array.isArray(res.body) ? res.body : res.body.items;
    return items[0];
  }
}
