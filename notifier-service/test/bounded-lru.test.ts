import { describe, it, expect } from '@jest/globals';
import { BoundedLru } from '../src/ledger/bounded-lru.js';

describe('BoundedLru', () => {
  it('when it is full, then adding forgets the least recently used entry', () => {
    const lru = new BoundedLru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1); // now b is the least recently used
    lru.set('c', 3);
    expect([lru.has('a'), lru.has('b'), lru.has('c')]).toEqual([true, false, true]);
    expect(lru.size).toBe(2);
  });

  it('when a key is set again, then its value is replaced without growing', () => {
    const lru = new BoundedLru<string, number>(2);
    lru.set('a', 1);
    lru.set('a', 5);
    expect(lru.get('a')).toBe(5);
    expect(lru.size).toBe(1);
  });

  it('when the capacity is not a positive integer, then it refuses to be built', () => {
    expect(() => new BoundedLru(0)).toThrow(/positive integer/);
  });
});
