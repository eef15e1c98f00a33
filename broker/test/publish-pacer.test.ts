import { describe, expect, it } from '@jest/globals';
import { createPublishPacer } from '../src/auth/publish-pacer.js';

function pacerAt(perSecond: number) {
  let nowMs = 1_000_000;
  const pacer = createPublishPacer(perSecond, () => nowMs);
  return { pacer, advance: (ms: number) => (nowMs += ms) };
}

describe('pacing the publishes of one token', () => {
  it('when a token publishes 13 at once at 10 a second, then 10 go now and the rest are held 100, 200 and 300 ms', () => {
    const { pacer } = pacerAt(10);
    expect(Array.from({ length: 13 }, () => pacer.delayMs('rider:r1'))).toEqual([...Array(10).fill(0), 100, 200, 300]);
  });

  it('when it keeps to its rate, then nothing is held; after a quiet second it may burst again', () => {
    const { pacer, advance } = pacerAt(10);
    for (let i = 0; i < 30; i += 1) {
      expect(pacer.delayMs('rider:r1')).toBe(0);
      advance(100);
    }
    advance(1_000);
    expect(Array.from({ length: 11 }, () => pacer.delayMs('rider:r1'))).toEqual([...Array(10).fill(0), 100]);
  });

  it('when one token floods, then another is not held', () => {
    const { pacer } = pacerAt(10);
    for (let i = 0; i < 100; i += 1) pacer.delayMs('rider:flood');
    expect(pacer.delayMs('rider:other')).toBe(0);
  });

  it('when subjects have been quiet past their last publish, then they are forgotten', () => {
    const { pacer, advance } = pacerAt(10);
    for (let i = 0; i < 2_000; i += 1) pacer.delayMs(`customer:${i}`);
    advance(1_000);
    expect(pacer.size()).toBe(0);
  });
});
