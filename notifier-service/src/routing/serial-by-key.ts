import { RetryLaterError } from '@orderpulse/service-kit';

export class EarlierTaskFailedError extends Error {
  constructor(key: string) {
    super(`an earlier event for ${key} failed; this one goes back to the queue too, so they stay in order`);
    this.name = 'EarlierTaskFailedError';
  }
}

export interface SerialByKey {
  /** Runs `task` after every task submitted earlier for `key`; other keys run concurrently. */
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
  readonly activeKeys: number;
}

/**
 * Per-key promise chains. When a task fails, the tasks already waiting behind it for the same
 * key fail without running: running them would apply a later event before the failed one, which
 * would then be dropped as stale on redelivery. When it failed with a RetryLaterError they fail
 * with one of the same wait. A task submitted after the chain has drained starts afresh.
 */
export function createSerialByKey(): SerialByKey {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(key);
      const result = previous
        ? previous.then(task, (err: unknown) => {
            // The earlier one comes back after a pause (e.g. the breaker's): this one waits as long,
            // instead of coming back on its own first.
            if (err instanceof RetryLaterError) {
              throw new RetryLaterError(`an earlier event for ${key} is retried in ${err.retryAfterMs} ms; this one is retried with it`, err.retryAfterMs);
            }
            throw new EarlierTaskFailedError(key);
          })
        : task();
      tails.set(key, result);
      const forget = () => {
        if (tails.get(key) === result) tails.delete(key);
      };
      result.then(forget, forget);
      return result;
    },
    get activeKeys() {
      return tails.size;
    },
  };
}
