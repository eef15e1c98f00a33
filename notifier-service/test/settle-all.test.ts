import { describe, it, expect } from '@jest/globals';
import { settleAll } from '../src/notify/settle-all.js';

describe('settleAll', () => {
  it('when one task fails early, then it rejects with that failure only after the slower tasks have settled', async () => {
    let releaseSlow!: () => void;
    let slowDone = false;
    const slow = new Promise<void>((resolve) => (releaseSlow = resolve)).then(() => void (slowDone = true));
    let settled = false;
    const all = settleAll([Promise.reject(new Error('first')), slow, Promise.reject(new Error('second'))]).finally(() => (settled = true));
    all.catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    releaseSlow();
    await expect(all).rejects.toThrow('first');
    expect(slowDone).toBe(true);
  });

  it('when every task succeeds, then it resolves', async () => {
    await expect(settleAll([Promise.resolve(1), Promise.resolve('two')])).resolves.toBeUndefined();
  });
});
