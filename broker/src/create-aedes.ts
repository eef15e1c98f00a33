import type { EventEmitter } from 'node:events';
import { Aedes } from 'aedes';
import memoryPersistence from 'aedes-persistence';
import type { Logger } from '@orderpulse/service-kit';
import type { AuthHooks } from './auth/index.js';
import type { BrokerMetrics } from './metrics.js';
import { indexRetainedByTopic, type RetainedStore } from './retained-index.js';

export interface CreateAedesOptions {
  hooks: AuthHooks;
  logger: Logger;
  metrics: BrokerMetrics;
  /** A subscriber whose socket stays full this long is dropped instead of stalling delivery to everyone. */
  drainTimeoutMs?: number;
  /** State shared with other brokers (see redis-state.ts); default: in memory, this broker only. */
  shared?: { mq: object; persistence: object };
}

/** The MQTT core with our hooks and observability; it takes any duplex stream (see transports/). */
export async function createAedes({ hooks, logger, metrics, drainTimeoutMs = 10_000, shared }: CreateAedesOptions): Promise<Aedes> {
  // Called without a callback, aedes-persistence's storeRetained returns a promise (what aedes 1.x uses).
  const persistence = shared?.persistence ?? indexRetainedByTopic(memoryPersistence() as unknown as RetainedStore);
  const aedes = await Aedes.createBroker({ ...hooks, drainTimeout: drainTimeoutMs, persistence, ...(shared && { mq: shared.mq }) });
  aedes.on('client', (client) => {
    metrics.connections.inc({ transport: client.req ? 'websocket' : 'tcp' });
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
