import { Redis } from 'ioredis';
import { answersSync } from './probe-sync.js';

export const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

export type RedisTarget = { url: string; source: 'env' | 'local' } | { skipReason: string };

/**
 * `REDIS_URL` when set (then a Redis that does not answer fails the tests), else the local Redis
 * when it answers PING on 127.0.0.1:6379, else a reason to skip. Synchronous, so a test file can
 * decide between describe and describe.skip.
 */
export function redisTarget(env: Record<string, string | undefined> = process.env): RedisTarget {
  if (env.REDIS_URL) return { url: env.REDIS_URL, source: 'env' };
  if (answersSync(6379, 'PING\r\n', '+PONG')) return { url: LOCAL_REDIS_URL, source: 'local' };
  return { skipReason: 'REDIS_URL is unset and no Redis answers PING on 127.0.0.1:6379 (start one with `redis-server --daemonize yes` or set REDIS_URL)' };
}

let counter = 0;

/** A REDIS_NAMESPACE no other test (or concurrent test run) uses. */
export function uniqueRedisNamespace(label: string): string {
  counter += 1;
  return `op-test-${label}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

/** Deletes every key under `<namespace>:` and resolves with how many there were. */
export async function deleteRedisNamespace(url: string, namespace: string): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true });
  try {
    await redis.connect();
    let deleted = 0;
    for await (const keys of redis.scanStream({ match: `${namespace}:*`, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) deleted += await redis.del(...keys);
    }
    return deleted;
  } finally {
    redis.disconnect();
  }
}

/** How many keys exist under `<namespace>:`. */
export async function countRedisNamespace(url: string, namespace: string): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true });
  try {
    await redis.connect();
    let count = 0;
    for await (const keys of redis.scanStream({ match: `${namespace}:*`, count: 500 }) as AsyncIterable<string[]>) count += keys.length;
    return count;
  } finally {
    redis.disconnect();
  }
}
