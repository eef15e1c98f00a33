import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { createLogger } from '@orderpulse/service-kit';
import { deleteRedisNamespace, redisTarget, uniqueRedisNamespace } from '@orderpulse/service-kit/testing';
import { describeIfAvailable } from '@orderpulse/service-kit/testing/suites';
import { inMemoryPublishedLedger } from '../src/ledger/in-memory-ledger.js';
import { openNotifierLedger, type LedgerSettings } from '../src/ledger/open-ledger.js';
import { describeLedgerContract } from './helpers/ledger-contract.js';

const logger = createLogger('notifier-ledger-test', 'silent');
const settings = (overrides: Partial<LedgerSettings> = {}): LedgerSettings => ({
  REDIS_NAMESPACE: '',
  DEDUPE_CAPACITY: 1_000,
  TRACKING_CACHE_CAPACITY: 1_000,
  LOCK_TTL_MS: 5_000,
  LOCK_WAIT_MS: 2_000,
  CONNECT_TIMEOUT_MS: 2_000,
  ...overrides,
});

describeLedgerContract('in memory', async () => {
  const ledger = await openNotifierLedger(settings(), logger);
  return { mine: ledger, theirs: ledger, dispose: () => ledger.close() };
});

describe('the notifier ledger in memory', () => {
  it('when more events than its capacity were recorded, then the oldest ids are forgotten', async () => {
    const published = inMemoryPublishedLedger(2);
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const [i, id] of ids.entries()) await published.record({ id, aggregateId: randomUUID(), version: i + 1 }, { version: i + 1 });
    expect(await published.claim({ id: ids[0]!, aggregateId: randomUUID(), version: 1 })).toEqual({ publish: true });
    expect(await published.claim({ id: ids[2]!, aggregateId: randomUUID(), version: 1 })).toMatchObject({ reason: 'duplicate' });
  });
});

const redis = redisTarget();
describeIfAvailable('the notifier ledger in Redis', 'skipReason' in redis ? redis.skipReason : undefined, () => {
  const url = 'url' in redis ? redis.url : '';
  describeLedgerContract(`Redis (${url}), two notifiers`, async () => {
    const namespace = uniqueRedisNamespace('ledger');
    const shared = settings({ REDIS_URL: url, REDIS_NAMESPACE: namespace });
    const [mine, theirs] = [await openNotifierLedger(shared, logger), await openNotifierLedger(shared, logger)];
    expect(mine.shared && theirs.shared).toBe(true);
    return {
      mine,
      theirs,
      dispose: async () => {
        await Promise.all([mine.close(), theirs.close()]);
        await deleteRedisNamespace(url, namespace);
      },
    };
  });
});
