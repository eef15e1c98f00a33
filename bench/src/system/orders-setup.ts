import { aNewOrder } from '@orderpulse/e2e/harness';
import type { HttpJsonClient } from './http-client.js';
import { mapLimit } from './settings.js';

export interface CreatedOrder {
  id: string;
  /** The customer's tracking token (what the tracking link carries). */
  token: string;
}

/** Creates `count` orders through `POST /orders` (admin token on the client), `concurrency` at a time. */
export async function createOrders(client: HttpJsonClient, count: number, label: string, concurrency = 32, quiet = false): Promise<CreatedOrder[]> {
  const started = performance.now();
  const indexes = Array.from({ length: count }, (_, i) => i);
  const orders = await mapLimit(indexes, concurrency, async (i) => {
    const order = aNewOrder({ customer: { name: `Bench ${label} ${i}`, email: `bench-${label}-${i}-${Math.random().toString(36).slice(2, 8)}@example.com` } });
    for (let attempt = 1; ; attempt++) {
      const res = await client.request<{ id: string; trackingToken: string }>('POST', '/orders', order);
      if (res.status === 201) return { id: res.body.id, token: res.body.trackingToken };
      if (attempt >= 3) throw new Error(`POST /orders answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
    }
  });
  const seconds = (performance.now() - started) / 1000;
  if (!quiet) process.stdout.write(`  created ${count} orders (${label}) in ${seconds.toFixed(1)} s (${(count / seconds).toFixed(0)}/s)\n`);
  return orders;
}
