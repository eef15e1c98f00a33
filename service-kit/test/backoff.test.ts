import { describe, it, expect } from '@jest/globals';
import { Backoff } from '../src/index.js';

describe('Backoff', () => {
  it('when attempts repeat, then delays double up to the cap and reset starts over', () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 1_000 }, () => 1);
    expect([1, 2, 3, 4, 5, 6].map(() => backoff.nextDelayMs())).toEqual([100, 200, 400, 800, 1000, 1000]);
    backoff.reset();
    expect(backoff.nextDelayMs()).toBe(100);
  });

  it('when jitter is lowest, then the delay is half the ceiling', () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 1_000 }, () => 0);
    expect(backoff.nextDelayMs()).toBe(50);
  });
});
