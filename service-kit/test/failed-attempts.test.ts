import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { memoryFailureCounters, redisFailureCounters, type FailureCounterFactory, type RefusedAttempt } from '../src/index.js';
import { deleteRedisNamespace, redisTarget, uniqueRedisNamespace, waitFor } from '../src/testing/index.js';
import { describeIfAvailable } from '../src/testing/suites.js';
import { aParty, allowed, fail, failedAttemptLimiterContract, testLimiter } from './support/failed-attempt-contract.js';

failedAttemptLimiterContract('memory', () => memoryFailureCounters());

describe('FailedAttemptLimiter on memory, as time passes', () => {
  beforeEach(() => {
    // Date and timers only: rate-limiter-flexible's memory store reads Date.now and expires keys with setTimeout.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'hrtime', 'performance'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('when a pair has used up its failures, then it is refused until its window ends, with Retry-After counting down, and not a second after', async () => {
    const limiter = testLimiter(memoryFailureCounters());
    const party = aParty();
    await fail(limiter, party);
    jest.advanceTimersByTime(10_000);
    await fail(limiter, party, 2);

    jest.advanceTimersByTime(5_000);
    expect(await limiter.begin(party)).toEqual({ allowed: false, budget: 'pair', retryAfterMs: 45_000 });
    jest.advanceTimersByTime(44_999);
    expect(await limiter.begin(party)).toEqual({ allowed: false, budget: 'pair', retryAfterMs: 1 });

    jest.advanceTimersByTime(1);
    await fail(limiter, party);
    expect(await limiter.counts(party)).toMatchObject({ pair: 1 });
  });

  it('when an attempt is settled after the window it was counted in has ended, then it takes nothing from the new window', async () => {
    const limiter = testLimiter(memoryFailureCounters());
    const party = aParty();
    const slow = allowed(await limiter.begin(party));
    jest.advanceTimersByTime(60_000);
    await fail(limiter, party);

    await slow.succeeded();

    expect(await limiter.counts(party)).toMatchObject({ pair: 1, address: 1 });
  });

  it("when a subject's budget is spent, then an address that failed waits until its own failures end or the subject's window does, whichever is first", async () => {
    const limiter = testLimiter(memoryFailureCounters());
    const subject = aParty().subject;
    const guesser = { subject, address: '198.51.100.7' };
    for (let i = 0; i < 3; i++) await fail(limiter, { subject, address: `198.51.100.${i}` }, 2);
    jest.advanceTimersByTime(20_000);
    await fail(limiter, guesser);

    expect(await limiter.begin(guesser)).toEqual({ allowed: false, budget: 'subject', retryAfterMs: 3_600_000 - 20_000 });
    jest.advanceTimersByTime(3_600_000 - 20_000);
    // The subject's window has ended: a fresh budget, and the guesser's mark no longer matters.
    expect((await limiter.begin(guesser)).allowed).toBe(true);
  });
});

const redis = redisTarget();
const redisUrl = 'url' in redis ? redis.url : '';
describeIfAvailable('FailedAttemptLimiter on Redis', 'skipReason' in redis ? redis.skipReason : undefined, () => {
  const namespace = uniqueRedisNamespace('attempts');
  let connections: Redis[] = [];
  /** Counters on one of two connections to the same Redis, like two instances. */
  const countersOn = (instance: 0 | 1): FailureCounterFactory => redisFailureCounters(connections[instance]!, `${namespace}:`);
  beforeAll(async () => {
    connections = [new Redis(redisUrl), new Redis(redisUrl)];
    await waitFor(() => connections.every((c) => c.status === 'ready'), 'Redis connections');
  });
  afterAll(async () => {
    connections.forEach((connection) => connection.disconnect());
    await deleteRedisNamespace(redisUrl, namespace);
  });

  // Redis keeps every key until it expires: 2,000 pairs show that; 10,500 (past the in-memory
  // limiter's old eviction point) took 5 s alone and up to 150 s beside the fault suites in CI.
  failedAttemptLimiterContract('Redis', () => countersOn(0), 2_000);

  it('when two instances share one Redis, then failures counted by either spend one budget', async () => {
    const name = `shared-${Date.now()}`;
    const first = testLimiter(countersOn(0), { name });
    const second = testLimiter(countersOn(1), { name });
    const party = aParty();
    await fail(first, party, 2);
    await fail(second, party);

    expect(await first.begin(party)).toMatchObject({ allowed: false, budget: 'pair' });
    expect(await second.begin(party)).toMatchObject({ allowed: false, budget: 'pair' });
  });

  it('when a window ends, then Redis expires it and the pair may try again', async () => {
    const limiter = testLimiter(countersOn(0), { perPair: { maxFailures: 1, windowSeconds: 1 } });
    const party = aParty();
    await fail(limiter, party);
    const refused = (await limiter.begin(party)) as RefusedAttempt;
    expect(refused).toMatchObject({ allowed: false, budget: 'pair' });
    expect(refused.retryAfterMs).toBeLessThanOrEqual(1_000);

    await waitFor(async () => (await limiter.begin(party)).allowed, 'the one-second window to end', 5_000);
  });

  it('when Redis is unreachable, then each instance counts in its own memory meanwhile and the limits still hold', async () => {
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, retryStrategy: () => null });
    const limiter = testLimiter(redisFailureCounters(down, `${namespace}:`));
    const party = aParty();
    await fail(limiter, party, 3);
    expect(await limiter.begin(party)).toMatchObject({ allowed: false, budget: 'pair' });
    down.disconnect();
  });
});
