import type { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import mqemitterRedis from 'mqemitter-redis';
import aedesPersistenceRedis from 'aedes-persistence-redis';
import type { Logger } from '@orderpulse/service-kit';

export interface RedisStateOptions {
  url: string;
  /** Prefix for keys and pub/sub channels (`<namespace>:`); empty: none. */
  namespace?: string;
  logger: Logger;
  /** How long the first connection may take before the start is refused. */
  connectTimeoutMs?: number;
  /** How long each closing step may take before the connections are cut. */
  closeTimeoutMs?: number;
}

/**
 * What several brokers share through one Redis: `mq` (mqemitter-redis: live messages and the
 * brokers' own $SYS traffic) and `persistence` (aedes-persistence-redis: retained messages,
 * QoS 1/2 subscriptions of persistent sessions and their queued messages). Pass both to aedes.
 */
export interface RedisState {
  mq: object;
  persistence: object;
  /** All three connections are up. */
  isReady(): boolean;
  /**
   * Detaches the persistence and closes every connection. Call after aedes has closed (it closes
   * `mq` itself); safe to call when aedes never started, and more than once.
   */
  close(): Promise<void>;
}

type MQEmitter = EventEmitter & { close(cb: () => void): void; closed?: boolean; closing?: boolean; state: EventEmitter };
type MQEmitterRedisPrefix = new (prefix: string, options: object) => MQEmitter;

/** The URL without credentials, for logs and errors. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return 'an unparsable REDIS_URL';
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Connects to Redis (refusing the start when it does not answer in time) and builds `mq` and `persistence`. */
export async function connectRedisState({ url, namespace = '', logger, connectTimeoutMs = 10_000, closeTimeoutMs = 5_000 }: RedisStateOptions): Promise<RedisState> {
  const where = describeRedisUrl(url);
  const prefix = namespace ? `${namespace}:` : '';
  // The first connection is not retried (a refused start is clearer than a hanging one); once up,
  // connections are retried like ioredis does by default.
  let starting = true;
  const retryStrategy = (attempt: number) => (starting ? null : Math.min(attempt * 50, 2_000));
  const connection = (name: string, extra: { keyPrefix?: string; enableAutoPipelining?: boolean } = {}) =>
    new Redis(url, { lazyConnect: true, connectionName: `orderpulse-broker-${name}`, retryStrategy, ...extra });
  // Keys get the prefix from ioredis; the pub/sub connections get none (channels also ignore the db index): mq prefixes channels itself.
  const db = connection('persistence', prefix ? { keyPrefix: prefix } : {});
  const pubConn = connection('pub', { enableAutoPipelining: true });
  const subConn = connection('sub');
  const connections = [db, pubConn, subConn];

  // One warning per outage and one note when it is over, not one line per reconnect attempt.
  let down = false;
  let lastError: Error | undefined;
  for (const conn of connections) {
    conn.on('error', (err: Error) => {
      lastError = err;
      if (starting || closing) return; // a failed start is reported by the error it throws; a close is no outage
      if (!down) logger.warn({ redis: where, err: err.message }, 'redis connection failed; shared broker state unavailable until it is back');
      down = true;
    });
    conn.on('ready', () => {
      if (down && connections.every((c) => c.status === 'ready')) {
        down = false;
        logger.info({ redis: where }, 'redis connections restored');
      }
    });
  }
  // Only connections still open: disconnect() on an ended one arms a 2 s timer that nothing clears.
  const disconnectAll = () => connections.filter((conn) => conn.status !== 'end').forEach((conn) => conn.disconnect());

  try {
    await withTimeout(Promise.all(connections.map((conn) => conn.connect())), connectTimeoutMs, `connecting to Redis at ${where}`);
    starting = false;
  } catch (err) {
    disconnectAll();
    throw new Error(`cannot connect to Redis at ${where} (REDIS_URL): ${(lastError ?? (err as Error)).message}`);
  }

  const mqOptions = { subConn, pubConn };
  const mq: MQEmitter = prefix
    ? new (mqemitterRedis as unknown as { MQEmitterRedisPrefix: MQEmitterRedisPrefix }).MQEmitterRedisPrefix(prefix, mqOptions)
    : (mqemitterRedis(mqOptions) as unknown as MQEmitter);
  // mqemitter-redis re-emits connection and publish errors here; without a listener they would crash the process.
  mq.state.on('error', (err: Error) => logger.debug({ redis: where, err: err.message }, 'mqemitter-redis error'));
  const persistence = aedesPersistenceRedis({ conn: db });

  const isReady = () => connections.every((conn) => conn.status === 'ready');
  let closing: Promise<void> | undefined;
  const close = async () => {
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
    disconnectAll();
  };
  return {
    mq,
    persistence,
    isReady,
    close: () => (closing ??= close()),
  };
}
