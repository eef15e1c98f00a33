import type { EventEmitter } from 'node:events';
import mqemitterRedis from 'mqemitter-redis';
import aedesPersistenceRedis from 'aedes-persistence-redis';
import { connectRedisClients, describeRedisUrl, withTimeout, type Logger } from '@orderpulse/service-kit';
import { LocalFirstEmitter, type SharedEmitter } from './delivery/local-first-emitter.js';
import { cacheTopicMatches } from './delivery/topic-match-cache.js';

export { describeRedisUrl };

export interface RedisStateOptions {
  url: string;
  /** Prefix for keys and pub/sub channels (`<namespace>:`); empty: none. */
  namespace?: string;
  logger: Logger;
  /** How long the first connection may take before the start is refused. */
  connectTimeoutMs?: number;
  /** How long each closing step may take before the connections are cut. */
  closeTimeoutMs?: number;
  /**
   * How long a message queued for a persistent session is kept. Expiring a session drops its
   * queue (a list of keys), but aedes-persistence-redis keeps each message body until every
   * session it was queued for has acknowledged it; this TTL removes those left behind. It must
   * outlast the session expiry (a message queued while a session is offline must live as long as
   * the session may come back). Default: kept for ever.
   */
  queuedMessageTtlSeconds?: number;
}

/**
 * What several brokers share through one Redis: `mq` (live messages and the brokers' own $SYS
 * traffic: mqemitter-redis behind a LocalFirstEmitter) and `persistence` (aedes-persistence-redis:
 * retained messages, QoS 1/2 subscriptions of persistent sessions and their queued messages).
 * Pass both to aedes.
 */
export interface RedisState {
  mq: LocalFirstEmitter;
  persistence: object;
  /** All three connections are up. */
  isReady(): boolean;
  /**
   * Calls `listener` each time the subscribing connection is back after it was lost, once its
   * subscriptions are in place again: messages the other brokers published meanwhile were missed.
   */
  onSubscriptionRestored(listener: () => void): void;
  /**
   * Detaches the persistence and closes every connection. Call after aedes has closed (it closes
   * `mq` itself); safe to call when aedes never started, and more than once.
   */
  close(): Promise<void>;
}

type MQEmitter = SharedEmitter & { closed?: boolean; closing?: boolean; state: EventEmitter };
type MQEmitterRedisPrefix = new (prefix: string, options: object) => MQEmitter;

type SubscriptionStore = { addSubscriptions(client: object, subs: object[]): Promise<unknown> };

/**
 * aedes calls `addSubscriptions` once per topic of a persistent session's SUBSCRIBE, each time
 * with the packet's whole list, concurrently. aedes-persistence-redis then waits for its own
 * broadcast keyed by client id and first topic, so the identical calls overwrite each other's
 * waiter and the SUBACK of a multi-topic SUBSCRIBE never comes. One store per list fixes it.
 */
export function coalesceAddSubscriptions<P extends SubscriptionStore>(persistence: P): P {
  const add = persistence.addSubscriptions.bind(persistence);
  const stored = new WeakMap<object[], Promise<unknown>>();
  persistence.addSubscriptions = (client, subs) => {
    let pending = stored.get(subs);
    if (!pending) {
      pending = add(client, subs);
      stored.set(subs, pending);
    }
    return pending;
  };
  return persistence;
}

/** Connects to Redis (refusing the start when it does not answer in time) and builds `mq` and `persistence`. */
export async function connectRedisState({
  url,
  namespace = '',
  logger,
  connectTimeoutMs = 10_000,
  closeTimeoutMs = 5_000,
  queuedMessageTtlSeconds = 0,
}: RedisStateOptions): Promise<RedisState> {
  const where = describeRedisUrl(url);
  const prefix = namespace ? `${namespace}:` : '';
  // Keys get the prefix from ioredis; the pub/sub connections get none (channels also ignore the db index): mq prefixes channels itself.
  const redis = await connectRedisClients({
    url,
    service: 'broker',
    logger,
    connectTimeoutMs,
    whatDependsOnIt: 'shared broker state',
    clients: [{ name: 'persistence', ...(prefix ? { keyPrefix: prefix } : {}) }, { name: 'pub', enableAutoPipelining: true }, { name: 'sub' }],
  });
  const { persistence: db, pub: pubConn, sub: subConn } = redis.clients;

  const mqOptions = { subConn, pubConn };
  const mq: MQEmitter = prefix
    ? new (mqemitterRedis as unknown as { MQEmitterRedisPrefix: MQEmitterRedisPrefix }).MQEmitterRedisPrefix(prefix, mqOptions)
    : (mqemitterRedis(mqOptions) as unknown as MQEmitter);
  // mqemitter-redis re-emits connection and publish errors here; without a listener they would crash the process.
  mq.state.on('error', (err: Error) => logger.debug({ redis: where, err: err.message }, 'mqemitter-redis error'));
  // Every message from Redis, this broker's own echoes included, is matched against its filters there.
  if (!cacheTopicMatches(mq as { _matcher?: unknown }))
    logger.warn('mqemitter-redis changed: its subscription matches are not cached (delivery/topic-match-cache.ts)');
  const persistence = coalesceAddSubscriptions(
    aedesPersistenceRedis({ conn: db, packetTTL: () => queuedMessageTtlSeconds }) as unknown as SubscriptionStore & { destroy(): Promise<void> },
  );

  const restoredListeners: Array<() => void> = [];
  let subscriptionLost = false;
  subConn.on('close', () => {
    subscriptionLost = true;
  });
  subConn.on('ready', () => {
    if (!subscriptionLost) return;
    // ioredis re-subscribes as it gets ready; a PING's answer comes after those subscriptions'.
    subConn.ping().then(
      () => {
        subscriptionLost = false;
        for (const listener of restoredListeners) listener();
      },
      (err: Error) => logger.debug({ redis: where, err: err.message }, 'redis subscription not confirmed; waiting for the next reconnect'),
    );
  });

  let closing: Promise<void> | undefined;
  const close = async () => {
    redis.beginClose();
    if (!mq.closed && !mq.closing) {
      // aedes never started (or never closed): nothing else will close mq.
      await withTimeout(new Promise<void>((resolve) => mq.close(resolve)), closeTimeoutMs, 'closing mqemitter-redis').catch(() => undefined);
    }
    // With Redis away, destroy() would only queue commands that never run.
    if (db.status === 'ready') {
      try {
        await withTimeout(persistence.destroy(), closeTimeoutMs, 'closing aedes-persistence-redis');
      } catch (err) {
        logger.debug({ err: (err as Error).message }, 'aedes-persistence-redis did not close cleanly');
      }
    }
    redis.disconnect();
  };
  return {
    mq: new LocalFirstEmitter(mq),
    persistence,
    isReady: redis.isReady,
    onSubscriptionRestored: (listener) => restoredListeners.push(listener),
    close: () => (closing ??= close()),
  };
}
