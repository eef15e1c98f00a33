import { describe, it, expect } from '@jest/globals';
import { RetryLaterError } from '@orderpulse/service-kit';
import { createSerialByKey, EarlierTaskFailedError } from '../src/routing/serial-by-key.js';

/** A promise the test settles by hand. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('createSerialByKey', () => {
  it('when two tasks share a key, then the second starts only after the first has finished', async () => {
    const serial = createSerialByKey();
    const log: string[] = [];
    const first = deferred();
    const a = serial.run('order-1', async () => {
      log.push('first started');
      await first.promise;
      log.push('first done');
    });
    const b = serial.run('order-1', async () => {
      log.push('second started');
    });
    await settled();
    expect(log).toEqual(['first started']);
    first.resolve();
    await Promise.all([a, b]);
    expect(log).toEqual(['first started', 'first done', 'second started']);
    expect(serial.activeKeys).toBe(0);
  });

  it('when tasks have different keys, then they run concurrently', async () => {
    const serial = createSerialByKey();
    const blocker = deferred();
    const started: string[] = [];
    const a = serial.run('order-1', async () => {
      started.push('order-1');
      await blocker.promise;
    });
    const b = serial.run('order-2', async () => {
      started.push('order-2');
    });
    await b;
    expect(started).toEqual(['order-1', 'order-2']);
    blocker.resolve();
    await a;
  });

  it('when a task fails, then the tasks already waiting behind it fail without running, and a later one runs', async () => {
    const serial = createSerialByKey();
    const ran: string[] = [];
    const failing = deferred();
    const first = serial.run('order-1', async () => {
      ran.push('v2');
      await failing.promise;
    });
    const second = serial.run('order-1', async () => void ran.push('v3'));
    const third = serial.run('order-1', async () => void ran.push('v4'));
    failing.reject(new Error('no PUBACK'));
    await expect(first).rejects.toThrow('no PUBACK');
    await expect(second).rejects.toBeInstanceOf(EarlierTaskFailedError);
    await expect(third).rejects.toBeInstanceOf(EarlierTaskFailedError);
    await settled();
    await serial.run('order-1', async () => void ran.push('v2 again'));
    expect(ran).toEqual(['v2', 'v2 again']);
  });

  it('when a task is told to retry later, then the tasks waiting behind it are told to wait as long', async () => {
    const serial = createSerialByKey();
    const ran: string[] = [];
    const first = serial.run('rider-1', async () => {
      ran.push('v2');
      throw new RetryLaterError('delivery-service is not answering', 1_500);
    });
    const second = serial.run('rider-1', async () => void ran.push('v3'));
    await expect(first).rejects.toBeInstanceOf(RetryLaterError);
    const waiting = await second.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(waiting).toBeInstanceOf(RetryLaterError);
    expect(waiting).not.toBeInstanceOf(EarlierTaskFailedError);
    expect((waiting as RetryLaterError).retryAfterMs).toBe(1_500);
    expect(ran).toEqual(['v2']);
  });
});
