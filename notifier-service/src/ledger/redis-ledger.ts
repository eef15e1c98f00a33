import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { OrderTrackingMessage } from '@orderpulse/contracts';
import type { Redis } from 'ioredis';
import type { Claim, EventKey, KeyedLocks, PublishedLedger, TrackingStore } from './ledger.js';

const DAY_SECONDS = 24 * 3_600;
/** Event ids only matter while redeliveries can happen; versions as long as an order is tracked. */
const EVENT_ID_TTL_SECONDS = 2 * DAY_SECONDS;
const PROGRESS_TTL_SECONDS = 30 * DAY_SECONDS;

/**
 * PublishedLedger.claim in one round trip and atomically among notifiers. KEYS: event id,
 * progress (the last published version's JSON), begun (the highest version attempted).
 * ARGV: version, TTL in seconds. Replies {'duplicate'}, {'stale', version} or {'publish', progress}.
 */
const CLAIM_SCRIPT = `
if redis.call('exists', KEYS[1]) == 1 then return {'duplicate'} end
local version = tonumber(ARGV[1])
local progress = redis.call('get', KEYS[2])
if progress then
  local published = cjson.decode(progress).version
  if version <= published then return {'stale', tostring(published)} end
end
local begun = tonumber(redis.call('get', KEYS[3]) or '0')
if version < begun then return {'stale', tostring(begun)} end
redis.call('set', KEYS[3], ARGV[1], 'EX', ARGV[2])
return {'publish', progress or ''}
`;

/** Shared by every notifier using the same Redis and prefix. */
export function redisPublishedLedger<P extends { version: number }>(redis: Redis, prefix: string, kind: string): PublishedLedger<P> {
  const eventKey = (id: string) => `${prefix}event:${id}`;
  const progressKey = (aggregateId: string) => `${prefix}${kind}:${aggregateId}`;
  const begunKey = (aggregateId: string) => `${prefix}${kind}-begun:${aggregateId}`;
  return {
    async claim(event: EventKey): Promise<Claim<P>> {
      const keys = [eventKey(event.id), progressKey(event.aggregateId), begunKey(event.aggregateId)];
      const [outcome, detail] = (await redis.eval(CLAIM_SCRIPT, keys.length, ...keys, event.version, PROGRESS_TTL_SECONDS)) as [string, string?];
      if (outcome === 'duplicate') return { publish: false, reason: 'duplicate' };
      if (outcome === 'stale') return { publish: false, reason: 'stale', publishedVersion: Number(detail) };
      return detail ? { publish: true, progress: JSON.parse(detail) as P } : { publish: true };
    },
    async record(event, progress) {
      await redis
        .multi()
        .set(eventKey(event.id), '1', 'EX', EVENT_ID_TTL_SECONDS)
        .set(progressKey(event.aggregateId), JSON.stringify(progress), 'EX', PROGRESS_TTL_SECONDS)
        .exec();
    },
  };
}

export function redisTrackingStore(redis: Redis, prefix: string): TrackingStore {
  const key = (orderId: string) => `${prefix}tracking:${orderId}`;
  return {
    async get(orderId) {
      const value = await redis.get(key(orderId));
      return value ? (JSON.parse(value) as OrderTrackingMessage) : undefined;
    },
    async set(orderId, message) {
      await redis.set(key(orderId), JSON.stringify(message), 'EX', PROGRESS_TTL_SECONDS);
    },
  };
}

export class LockTimeoutError extends Error {
  constructor(key: string, waitedMs: number) {
    super(`another notifier held the lock for ${key} for more than ${waitedMs} ms; the event goes back to the queue and is retried`);
    this.name = 'LockTimeoutError';
  }
}

export interface RedisLockOptions {
  /** How long a lock lives if its holder dies; longer than one event's work (publish timeouts included). */
  ttlMs: number;
  /** How long to wait for a lock held by another notifier before giving the event back. */
  waitMs: number;
}

/** Releases the lock only if it is still ours (it may have expired and been taken since). */
const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * SET NX PX locks, one per key. Waiting polls with a short, growing pause: contention only
 * happens when two notifiers hold events of the same order at the same moment.
 */
export function redisLocks(redis: Redis, prefix: string, options: RedisLockOptions): KeyedLocks {
  const acquire = async (key: string, token: string) => {
    const started = Date.now();
    for (let pauseMs = 1; ; pauseMs = Math.min(pauseMs * 2, 25)) {
      if ((await redis.set(key, token, 'PX', options.ttlMs, 'NX')) === 'OK') return;
      // A SET that ran but whose reply was lost with the connection is sent again by ioredis and
      // refused: the lock is ours all the same (the token is this run's), not another notifier's.
      if ((await redis.get(key)) === token) return;
      if (Date.now() - started >= options.waitMs) throw new LockTimeoutError(key, options.waitMs);
      await delay(pauseMs);
    }
  };
  return {
    async run(key, task) {
      const lockKey = `${prefix}lock:${key}`;
      const token = randomUUID();
      await acquire(lockKey, token);
      try {
        return await task();
      } finally {
        await redis.eval(RELEASE_SCRIPT, 1, lockKey, token).catch(() => undefined); // it expires on its own
      }
    },
  };
}
