import type { OrderStatus } from '@orderpulse/contracts';
import { OrdersClient, aNewOrder } from '../harness/orders-client.js';

export interface SeededOrder {
  id: string;
  orderNumber: string;
  status: OrderStatus;
  trackingToken?: string;
}

const DEMO: Array<{ name: string; email: string; city: string; walkTo: OrderStatus[] }> = [
  { name: 'Ada Lovelace', email: 'ada@example.com', city: 'London', walkTo: [] },
  { name: 'Alan Turing', email: 'alan@example.com', city: 'Manchester', walkTo: ['confirmed'] },
  { name: 'Grace Hopper', email: 'grace@example.com', city: 'Bristol', walkTo: ['confirmed', 'processing'] },
  { name: 'Katherine Johnson', email: 'katherine@example.com', city: 'Leeds', walkTo: ['confirmed', 'processing', 'shipped'] },
];

/** Creates a few demo orders in different states through the public API. */
export async function seedDemoOrders(ordersUrl: string): Promise<SeededOrder[]> {
  const client = new OrdersClient(ordersUrl);
  const seeded: SeededOrder[] = [];
  for (const demo of DEMO) {
    const created = await client.createOrder(
      aNewOrder({ customer: { name: demo.name, email: demo.email }, deliveryAddress: { ...aNewOrder().deliveryAddress, city: demo.city } }),
    );
    if (created.status !== 201) throw new Error(`seeding failed: POST /orders answered ${created.status} ${JSON.stringify(created.body)}`);
    let status: OrderStatus = created.body.status;
    for (const next of demo.walkTo) {
      const changed = await client.changeStatus(created.body.id, next === 'shipped' ? { status: next, trackingNumber: `TRK-${created.body.orderNumber.slice(3)}` } : { status: next });
      if (changed.status !== 200) throw new Error(`seeding failed: PATCH status ${next} answered ${changed.status}`);
      status = changed.body.status;
    }
    seeded.push({
      id: created.body.id,
      orderNumber: created.body.orderNumber,
      status,
      ...(created.body.trackingToken ? { trackingToken: created.body.trackingToken } : {}),
    });
  }
  return seeded;
}
