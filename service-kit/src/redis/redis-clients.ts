import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/** The URL without credentials, for logs and errors. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return 'an unparsable REDIS_URL';
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface RedisClientSpec {
  /** Shown in CLIENT LIST as `orderpulse-<service>-<name>`. */
  name: string;
  keyPrefix?: string;
  enableAutoPipelining?: boolean;
  /** A command not answered within this many ms fails (ioredis's default is to wait for ever). */
  commandTimeout?: number;
}

export interface RedisClientsOptions<N extends string> {
  url: string;
  service: string;
  clients: ReadonlyArray<RedisClientSpec & { name: N }>;
  logger: Logger;
  /** What is unavailable while Redis is down, for the warning. */
  whatDependsOnIt: string;
  /** How long the first connection may take before the start is refused. */
  connectTimeoutMs?: number;
}

export interface RedisClients<N extends string> {
  clients: Record<N, Redis>;
  /** Every connection is up. */
  isReady(): boolean;
  /** From now on connection errors are part of closing, not an outage: no warnings. */
  beginClose(): void;
  /** beginClose(), then disconnects the connections still open. */
  disconnect(): void;
}

/**
 * Opens one or more connections to one Redis. The first connection is not retried (a refused
 * start is clearer than a hanging one); once up, connections reconnect with a capped backoff and
 * an outage is logged once when it starts and once when it is over, not per attempt.
 */
export async function connectRedisClients<N extends string>(options: RedisClientsOptions<N>): Promise<RedisClients<N>> {
  const { url, service, logger, connectTimeoutMs = 10_000 } = options;
  const where = describeRedisUrl(url);
  let starting = true;
  let closing = false;
  const retryStrategy = (attempt: number) => (starting ? null : Math.min(attempt * 50, 2_000));
  const entries = options.clients.map((spec) => {
    const { name, ...extra } = spec;
    return [name, new Redis(url, { lazyConnect: true, connectionName: `orderpulse-${service}-${name}`, retryStrategy, ...extra })] as const;
  });
  const connections = entries.map(([, conn]) => conn);

  let down = false;
  let lastError: Error | undefined;
  for (const conn of connections) {
    conn.on('error', (err: Error) => {
      lastError = err;
      if (starting || closing) return; // a failed start is reported by the error it throws; a close is no outage
      if (!down) logger.warn({ redis: where, err: err.message }, `redis connection failed; ${options.whatDependsOnIt} unavailable until it is back`);
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
  const beginClose = () => {
    closing = true;
  };
  const disconnect = () => {
    beginClose();
    connections.filter((conn) => conn.status !== 'end').forEach((conn) => conn.disconnect());
  };

  try {
    await withTimeout(Promise.all(connections.map((conn) => conn.connect())), connectTimeoutMs, `connecting to Redis at ${where}`);
    starting = false;
  } catch (err) {
    disconnect();
    throw new Error(`cannot connect to Redis at ${where} (REDIS_URL): ${(lastError ?? (err as Error)).message}`, { cause: err });
  }
  return {
    clients: Object.fromEntries(entries) as Record<N, Redis>,
    isReady: () => connections.every((conn) => conn.status === 'ready'),
    beginClose,
    disconnect,
  };
}
