import { describe, it, expect } from '@jest/globals';
import { truncateFields, truncateForLog } from '../src/refusals/truncate.js';

describe('truncating what a client sent', () => {
  it('when a value is longer than the limit, then a prefix and the full length are kept', () => {
    expect(truncateForLog('x'.repeat(60_000), 8)).toBe('xxxxxxxx…[60000 chars]');
    expect(truncateForLog('short', 8)).toBe('short');
  });

  it('when a log line has several fields, then only strings are cut', () => {
    expect(truncateFields({ clientId: 'a'.repeat(20), username: null, bytes: 12 }, 4)).toEqual({ clientId: 'aaaa…[20 chars]', username: null, bytes: 12 });
  });
});
