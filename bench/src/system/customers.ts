import type { GeneratorPool } from '../lib/index.js';
import type { ConnectReply, MqttClientSpec } from './customers-child.js';
import type { HttpJsonClient } from './http-client.js';
import { createOrders, type CreatedOrder } from './orders-setup.js';
import { deal } from './settings.js';

/** How long each group of customers took to connect and subscribe, for the notes. */
export const connectLog: string[] = [];

/** Connects `clients` (dealt round-robin over the generator children) into `group`. */
export async function connectGroup(
  pool: GeneratorPool,
  group: string,
  url: string,
  clients: MqttClientSpec[],
  concurrency = 100,
): Promise<{ connected: number; failed: number; errors: string[] }> {
  const parts = deal(clients, pool.size);
  const replies = await pool.call<ConnectReply>('connect', (i) => ({ group, url, clients: parts[i], concurrency }), 600_000);
  return {
    connected: replies.reduce((n, r) => n + r.connected, 0),
    failed: replies.reduce((n, r) => n + r.failed, 0),
    errors: replies.flatMap((r) => r.errors).slice(0, 3),
  };
}

/** Orders to create and their customers to connect in one go (chunked, see below). */
const CHUNK = 1_000;

/**
 * Creates `count` orders and connects one customer per order (subscribed to its status topic),
 * in chunks: create 1,000, connect their customers, next. Each SUBSCRIBE costs the broker time
 * in proportion to the retained messages it holds (see the notes), so subscribing soon after
 * each order exists halves the setup time.
 */
export async function customersWithOrders(
  mqttWsUrl: string,
  pool: GeneratorPool,
  http: HttpJsonClient,
  count: number,
  group: string,
  addressBase: number,
): Promise<{ orders: CreatedOrder[]; connected: number }> {
  const started = performance.now();
  const orders: CreatedOrder[] = [];
  let connected = 0;
  let createSeconds = 0;
  let failed = 0;
  const errors: string[] = [];
  let lastReport = started;
  for (let from = 0; from < count; from += CHUNK) {
    const t0 = performance.now();
    const chunk = await createOrders(http, Math.min(CHUNK, count - from), `${group}-${from}`, 32, true);
    createSeconds += (performance.now() - t0) / 1000;
    const specs = chunk.map((o, i): MqttClientSpec => ({
      role: 'customer',
      orderId: o.id,
      token: o.token,
      clientId: `${group}-${from + i}`,
      addressIndex: addressBase + from + i,
    }));
    const result = await connectGroup(pool, group, mqttWsUrl, specs);
    orders.push(...chunk);
    connected += result.connected;
    failed += result.failed;
    errors.push(...result.errors);
    if (performance.now() - lastReport > 15_000 && from + CHUNK < count) {
      lastReport = performance.now();
      process.stdout.write(`    … ${connected}/${count} (${group})\n`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const connectSeconds = seconds - createSeconds;
  connectLog.push(`${group}: ${connected} in ${connectSeconds.toFixed(1)} s (${(connected / connectSeconds).toFixed(0)}/s)`);
  process.stdout.write(
    `  ${count} orders created in ${createSeconds.toFixed(1)} s (${(count / createSeconds).toFixed(0)}/s), ${connected} customers connected and subscribed in ${connectSeconds.toFixed(1)} s (${(connected / connectSeconds).toFixed(0)}/s)${failed ? `; ${failed} failed: ${errors.slice(0, 3).join('; ')}` : ''}\n`,
  );
  return { orders, connected };
}
