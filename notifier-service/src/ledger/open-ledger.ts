import { connectRedisClients, describeRedisUrl, type Logger } from '@orderpulse/service-kit';
import type { OrderProgress } from '../messages/order-event.js';
import { inMemoryPublishedLedger, inMemoryTrackingStore, noLocks } from './in-memory-ledger.js';
import type { KeyedLocks, PublishedLedger, TrackingStore } from './ledger.js';
import { redisLocks, redisPublishedLedger, redisTrackingStore } from './redis-ledger.js';

/** Everything the notifier remembers between events, and how instances keep out of each other's way. */
export interface NotifierLedger {
  /** Keyed by order id. */
  orders: PublishedLedger<OrderProgress>;
  /** Keyed by delivery id: a delivery's versions are never compared with its order's. */
  deliveries: PublishedLedger;
  tracking: TrackingStore;
  locks: KeyedLocks;
  /** Shared with other instances (Redis) or private to this process. */
  shared: boolean;
  isReady(): boolean;
  close(): Promise<void>;
}

export interface LedgerSettings {
  REDIS_URL?: string | undefined;
  REDIS_NAMESPACE: string;
  DEDUPE_CAPACITY: number;
  TRACKING_CACHE_CAPACITY: number;
  LOCK_TTL_MS: number;
  LOCK_WAIT_MS: number;
  CONNECT_TIMEOUT_MS: number;
}

/**
 * With REDIS_URL: one ledger and per-order locks shared by every notifier on the same Redis and
 * REDIS_NAMESPACE, so several notifiers can consume the queue together. Without: memory only,
 * which is right for exactly one notifier.
 */
export async function openNotifierLedger(settings: LedgerSettings, logger: Logger): Promise<NotifierLedger> {
  if (!settings.REDIS_URL) {
    logger.info({ ledger: 'memory' }, 'REDIS_URL is not set: run ONE notifier (several need a shared Redis to keep each order in order)');
    return {
      orders: inMemoryPublishedLedger<OrderProgress>(settings.DEDUPE_CAPACITY),
      deliveries: inMemoryPublishedLedger(settings.DEDUPE_CAPACITY),
      tracking: inMemoryTrackingStore(settings.TRACKING_CACHE_CAPACITY),
      locks: noLocks,
      shared: false,
      isReady: () => true,
      close: async () => undefined,
    };
  }
  const redis = await connectRedisClients({
    url: settings.REDIS_URL,
    service: 'notifier',
    logger,
    connectTimeoutMs: settings.CONNECT_TIMEOUT_MS,
    whatDependsOnIt: 'the notifier ledger (events are retried, not lost) is',
    clients: [{ name: 'ledger', enableAutoPipelining: true }],
  });
  const conn = redis.clients.ledger;
  const prefix = `${settings.REDIS_NAMESPACE ? `${settings.REDIS_NAMESPACE}:` : ''}orderpulse:notifier:`;
  logger.info({ ledger: 'redis', redis: describeRedisUrl(settings.REDIS_URL), prefix }, 'notifier ledger and per-order locks shared through Redis');
  return {
    orders: redisPublishedLedger<OrderProgress>(conn, prefix, 'order'),
    deliveries: redisPublishedLedger(conn, prefix, 'delivery'),
    tracking: redisTrackingStore(conn, prefix),
    locks: redisLocks(conn, prefix, { ttlMs: settings.LOCK_TTL_MS, waitMs: settings.LOCK_WAIT_MS }),
    shared: true,
    isReady: redis.isReady,
    close: async () => {
      await conn.quit().catch(() => undefined);
      redis.disconnect();
    },
  };
}
