import type { OrderStatus } from '@orderpulse/contracts';
import { aNewOrder, type DeliveryClient, type OrdersClient } from '@orderpulse/e2e/harness';

export interface SeededOrder {
  id: string;
  orderNumber: string;
  status: OrderStatus;
  trackingToken: string;
}

export interface SeededRider {
  id: string;
  name: string;
  token: string;
}

const DEMO_ORDERS: Array<{ name: string; email: string; walkTo: OrderStatus[]; instructions?: string }> = [
  { name: 'Ada Lovelace', email: 'ada@example.com', walkTo: [] },
  { name: 'Alan Turing', email: 'alan@example.com', walkTo: ['confirmed'] },
  { name: 'Grace Hopper', email: 'grace@example.com', walkTo: ['confirmed', 'processing'] },
  { name: 'Katherine Johnson', email: 'katherine@example.com', walkTo: ['confirmed', 'processing', 'shipped'], instructions: 'Gate code 2468, ring twice' },
];
const DEMO_RIDERS = [
  { id: 'rider-rosa', name: 'Rosa Parks', phone: '+44 7700 900001' },
  { id: 'rider-nikola', name: 'Nikola Tesla', phone: '+44 7700 900002' },
];

function expectStatus(what: string, res: { status: number; body: unknown }, expected: number): void {
  if (res.status !== expected) throw new Error(`seeding failed: ${what} answered ${res.status} ${JSON.stringify(res.body)}`);
}

/** Creates demo orders in different states through the public API, unless orders exist already. */
export async function seedDemoOrders(orders: OrdersClient): Promise<SeededOrder[]> {
  const seeded: SeededOrder[] = [];
  for (const demo of DEMO_ORDERS) {
    const created = await orders.createOrder(
      aNewOrder({ customer: { name: demo.name, email: demo.email }, ...(demo.instructions ? { deliveryInstructions: demo.instructions } : {}) }),
    );
    expectStatus('POST /orders', created, 201);
    let status: OrderStatus = created.body.status;
    for (const next of demo.walkTo) {
      const body = next === 'shipped' ? { status: next, trackingNumber: `TRK-${created.body.orderNumber.slice(3)}` } : { status: next };
      const changed = await orders.changeStatus(created.body.id, body);
      expectStatus(`PATCH status ${next}`, changed, 200);
      status = changed.body.status;
    }
    seeded.push({ id: created.body.id, orderNumber: created.body.orderNumber, status, trackingToken: created.body.trackingToken ?? '' });
  }
  return seeded;
}

/** Registers the demo riders (again is fine: an existing id is kept) and issues each a token. */
export async function seedDemoRiders(deliveries: DeliveryClient): Promise<SeededRider[]> {
  const riders: SeededRider[] = [];
  for (const rider of DEMO_RIDERS) {
    const created = await deliveries.createRider(rider);
    if (created.status !== 201 && created.status !== 409) expectStatus('POST /riders', created, 201);
    const token = await deliveries.riderToken(rider.id);
    expectStatus('POST /riders/:id/token', token, 201);
    riders.push({ id: rider.id, name: rider.name, token: token.body.token });
  }
  return riders;
}
