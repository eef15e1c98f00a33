import { describe, it, expect } from '@jest/globals';
import { summarise } from '../src/index.js';

describe('summarise', () => {
  it('when given 1..100, then nearest-rank percentiles are exact', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(summarise(samples)).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100, mean: 50.5 });
  });

  it('when there are no samples, then every figure is NaN and count is 0', () => {
    expect(summarise([]).count).toBe(0);
    expect(summarise([]).p99).toBeNaN();
  });
});
