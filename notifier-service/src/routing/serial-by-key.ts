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
 * would then be dropped as stale on redelivery. A task submitted after the chain has drained
 * starts afresh.
 */
export function createSerialByKey(): SerialByKey {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(key);
      const result = previous
        ? previous.then(task, () => {
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
