import type { EventEmitter } from 'node:events';
import { Socket } from 'node:net';
import { Aedes, type AedesOptions } from 'aedes';
import memoryPersistence from 'aedes-persistence';
import type { Logger } from '@orderpulse/service-kit';
import type { AuthHooks } from './auth/index.js';
import type { BrokerMetrics } from './metrics.js';
import { indexRetainedByTopic, type RetainedStore } from './retained-index.js';
import { cacheTopicMatches } from './delivery/topic-match-cache.js';

export interface CreateAedesOptions {
  hooks: AuthHooks;
  /** Runs on each CONNECT before authentication (admission/keepalive.ts). */
  preConnect?: AedesOptions['preConnect'];
  logger: Logger;
  metrics: BrokerMetrics;
  /** A subscriber whose socket stays full this long is dropped instead of stalling delivery to everyone. */
  drainTimeoutMs?: number;
  /**
   * aedes' own CONNECT deadline. Admission (admission/admission.ts) closes, counts and logs
   * connections without a CONNECT first; this is only the backstop behind it.
   */
  connectTimeoutMs?: number;
  /** Retained messages and sessions: createMemoryPersistence() (default) or Redis (redis-state.ts). */
  persistence?: object;
  /** Live messages shared with other brokers (redis-state.ts); default: in memory, this broker only. */
  mq?: object;
}

/** aedes' in-memory persistence, with retained messages indexed by topic (see retained-index.ts). */
export function createMemoryPersistence(): object {
  // Called without a callback, aedes-persistence's storeRetained returns a promise (what aedes 1.x uses).
  return indexRetainedByTopic(memoryPersistence() as unknown as RetainedStore);
}

/** The MQTT core with our hooks and observability; it takes any duplex stream (see transports/). */
export async function createAedes({
  hooks,
  preConnect,
  logger,
  metrics,
  drainTimeoutMs = 10_000,
  connectTimeoutMs,
  persistence,
  mq,
}: CreateAedesOptions): Promise<Aedes> {
  const aedes = await Aedes.createBroker({
    ...hooks,
    ...(preConnect && { preConnect }),
    drainTimeout: drainTimeoutMs,
    ...(connectTimeoutMs !== undefined && { connectTimeout: connectTimeoutMs }),
    persistence: persistence ?? createMemoryPersistence(),
    ...(mq && { mq }),
  });
  if (!cacheTopicMatches((aedes as unknown as { mq: { _matcher?: unknown } }).mq)) {
    logger.warn('aedes changed: subscription matches are not cached (delivery/topic-match-cache.ts)');
  }
  aedes.on('client', (client) => {
    metrics.connections.inc({ transport: client.conn instanceof Socket ? 'tcp' : 'websocket' });
    logger.debug({ clientId: client.id }, 'client connected');
  });
  aedes.on('clientDisconnect', (client) => logger.debug({ clientId: client.id }, 'client disconnected'));
  aedes.on('clientError', (client, err) => logger.debug({ clientId: client.id, err: err.message }, 'client connection closed on error'));
  aedes.on('connectionError', (_client, err) => logger.debug({ err: err.message }, 'connection failed before CONNECT'));
  // Runs for every message: a plain counter, labelled when /metrics is scraped.
  aedes.on('publish', (packet, client) => {
    if (client) metrics.countPublished(packet.qos, packet.retain);
  });
  // Persistence failures surface here; without a listener they would crash the process.
  const emitter: EventEmitter = aedes;
  emitter.on('error', (err: Error) => logger.error({ err: err.message }, 'broker error'));
  return aedes;
}
