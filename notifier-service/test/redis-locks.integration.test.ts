import { afterAll, beforeAll, it, expect } from '@jest/globals';
import { Redis } from 'ioredis';
import { deleteRedisNamespace, redisTarget, uniqueRedisNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { describeIfAvailable } from '@orderpulse/service-kit/testing/suites';
import { LockTimeoutError, redisLocks } from '../src/ledger/redis-ledger.js';

/** Two connections stand for two notifier processes sharing one Redis. The ledger itself: ledger.test.ts. */
const target = redisTarget();
const redisUrl = 'url' in target ? target.url : '';

describeIfAvailable(`the notifier's per-order locks in Redis (${redisUrl})`, 'skipReason' in target ? target.skipReason : undefined, () => {
  const namespace = uniqueRedisNamespace('ledger');
  const prefix = `${namespace}:orderpulse:notifier:`;
  let a: Redis;
  let b: Redis;

  beforeAll(async () => {
    a = new Redis(redisUrl);
    b = new Redis(redisUrl);
  });

  afterAll(async () => {
    a?.disconnect();
    b?.disconnect();
    await deleteRedisNamespace(redisUrl, namespace);
  });

  it('when two notifiers run tasks for the same key, then they never overlap; other keys run side by side', async () => {
    const options = { ttlMs: 5_000, waitMs: 5_000 };
    const locks = [redisLocks(a, prefix, options), redisLocks(b, prefix, options)];
    let running = 0;
    let maxRunning = 0;
    const log: number[] = [];
    const task = (i: number) => async () => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((resolve) => setImmediate(resolve));
      log.push(i);
      running -= 1;
      return i;
    };
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => locks[i % 2]!.run('order:same', task(i))));
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(maxRunning).toBe(1);
    expect(log).toHaveLength(20);

    // Different keys do not wait for each other: the second finishes while the first still holds its lock.
    let releaseFirst!: () => void;
    const first = locks[0]!.run('order:one', () => new Promise<void>((resolve) => (releaseFirst = resolve)));
    await expect(locks[1]!.run('order:two', async () => 'done')).resolves.toBe('done');
    releaseFirst();
    await first;
  });

  it('when the lock stays held longer than the wait, then the task is refused with LockTimeoutError and never runs', async () => {
    const holder = redisLocks(a, prefix, { ttlMs: 5_000, waitMs: 5_000 });
    const impatient = redisLocks(b, prefix, { ttlMs: 5_000, waitMs: 50 });
    let release!: () => void;
    const held = holder.run('order:busy', () => new Promise<void>((resolve) => (release = resolve)));
    await waitFor(async () => (await a.exists(`${prefix}lock:order:busy`)) === 1, 'the lock to be taken', 2_000);
    let ran = false;
    await expect(
      impatient.run('order:busy', async () => {
        ran = true;
      }),
    ).rejects.toBeInstanceOf(LockTimeoutError);
    expect(ran).toBe(false);
    release();
    await held;
    expect(await a.exists(`${prefix}lock:order:busy`)).toBe(0);
  });

  it('when a notifier died holding a lock, then the lock is taken once it expires', async () => {
    await a.set(`${prefix}lock:order:orphan`, 'dead-notifier', 'PX', 200);
    const locks = redisLocks(b, prefix, { ttlMs: 5_000, waitMs: 3_000 });
    await expect(locks.run('order:orphan', async () => 'taken over')).resolves.toBe('taken over');
  });

  it('when the reply to a lock SET is lost and ioredis sends the SET again, then the notifier knows the lock is its own and runs at once', async () => {
    // ioredis re-sends a command whose reply a dropped connection took with it (autoResendUnfulfilledCommands):
    // Redis runs it twice, and the second SET NX is refused because the first one took the lock.
    const resending = new Proxy(a, {
      get(target, property, receiver) {
        if (property !== 'set') return Reflect.get(target, property, receiver) as unknown;
        return async (...args: Parameters<Redis['set']>) => {
          await (target.set as (...a: unknown[]) => Promise<unknown>)(...args);
          return (target.set as (...a: unknown[]) => Promise<unknown>)(...args);
        };
      },
    });
    const locks = redisLocks(resending, prefix, { ttlMs: 5_000, waitMs: 200 });
    await expect(locks.run('order:resent', async () => 'ran')).resolves.toBe('ran');
    expect(await a.exists(`${prefix}lock:order:resent`)).toBe(0);
  });
});
