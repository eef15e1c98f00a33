import type { OrderSnapshot, OrderStatus } from '@orderpulse/contracts';
import type { OrdersClient } from '@orderpulse/e2e/harness';
import { seedDemoOrders } from './seed.js';

export interface DemoOrder {
  id: string;
  orderNumber: string;
  status: OrderStatus;
  trackingToken: string;
}

/** The demo orders: seeded on the first start, found again (with fresh tracking links) on later ones. */
export async function demoOrders(orders: OrdersClient): Promise<DemoOrder[]> {
  const existing = await orders.listOrders(6);
  if (existing.status !== 200) throw new Error(`GET /orders answered ${existing.status}: ${JSON.stringify(existing.body)}`);
  if (existing.body.items.length === 0) return seedDemoOrders(orders);
  const found: DemoOrder[] = [];
  for (const order of existing.body.items as OrderSnapshot[]) {
    const lookup = await orders.lookUp(order.orderNumber, order.customer.email);
    found.push({ id: order.id, orderNumber: order.orderNumber, status: order.status, trackingToken: lookup.body.trackingToken });
  }
  return found;
}
