import { randomUUID } from 'node:crypto';
import { readRssBytes } from '../lib/index.js';
import { sleep } from '../system/settings.js';
import type { GeneratorClients } from './generator-clients.js';
import type { Target } from './targets.js';

/**
 * Marginal broker RSS per idle subscribed client: connect n clients, read RSS, connect n more,
 * read RSS again; (second − first) / n. The first batch absorbs one-off growth (heap spaces,
 * buffer pools) that would otherwise be counted per connection.
 */
export async function rssPerIdleConnection(clients: GeneratorClients, target: Target, n: number): Promise<number> {
  const orders = Array.from({ length: 2 * n }, () => randomUUID());
  const specs = await clients.subscriberSpecs(target, orders, 2 * n, `idle-${target.transport}`);
  await clients.connectSubscribers(target, specs.slice(0, n));
  await sleep(1_000);
  const first = readRssBytes(target.pid);
  await clients.connectSubscribers(target, specs.slice(n));
  await sleep(1_000);
  const second = readRssBytes(target.pid);
  await clients.disconnectAll();
  return (second - first) / n;
}
