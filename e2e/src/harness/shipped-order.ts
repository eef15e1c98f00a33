import type { OrderSnapshot } from '@orderpulse/contracts';
import { waitFor } from '@orderpulse/service-kit/testing';
import { DeliveryClient } from './delivery-client.js';
import { aNewOrder, OrdersClient, type NewOrder } from './orders-client.js';

export interface ShippedOrder {
  order: OrderSnapshot & { trackingToken: string };
  deliveryId: string;
}

/**
 * A new order (through the public API) walked to `shipped` by the admin, and the delivery that
 * the shipped event made delivery-service create.
 */
export async function shipNewOrder(urls: { orders: string; delivery: string }, adminToken: string, order: NewOrder = aNewOrder()): Promise<ShippedOrder> {
  const created = await new OrdersClient(urls.orders).createOrder(order);
  if (created.status !== 201) throw new Error(`POST /orders answered ${created.status}: ${JSON.stringify(created.body)}`);
  const admin = new OrdersClient(urls.orders, adminToken);
  for (const status of ['confirmed', 'processing', 'shipped'] as const) {
    const changed = await admin.changeStatus(created.body.id, { status });
    if (changed.status !== 200) throw new Error(`PATCH ${status} answered ${changed.status}: ${JSON.stringify(changed.body)}`);
  }
  const delivery = await waitFor(
    () => new DeliveryClient(urls.delivery, adminToken).deliveryOf(created.body.id),
    `the delivery of ${created.body.orderNumber}`,
    20_000,
  );
  return { order: created.body as OrderSnapshot & { trackingToken: string }, deliveryId: delivery.id };
}
