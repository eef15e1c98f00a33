import { describe, it, expect } from '@jest/globals';
import { webSocketClientAddress } from '../src/admission/client-address.js';
import { createAddressQuota } from '../src/admission/address-quota.js';

const request = (peer: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as never;

describe('the address a WebSocket connection is counted under', () => {
  it('when no proxy is trusted, then X-Forwarded-For is ignored (a client could write anything there)', () => {
    expect(webSocketClientAddress(request('10.0.0.9', '1.2.3.4'), 0)).toBe('10.0.0.9');
  });

  it('when one proxy is trusted, then the address it appended is used, not what the client wrote before it', () => {
    expect(webSocketClientAddress(request('10.0.0.9', 'spoofed, 203.0.113.7'), 1)).toBe('203.0.113.7');
  });

  it('when a trusted proxy sent no header, then the peer is used', () => {
    expect(webSocketClientAddress(request('10.0.0.9'), 1)).toBe('10.0.0.9');
  });
});

describe('the per-address connection count', () => {
  it('when an address is at its limit, then the next connection is refused until one is released (once)', () => {
    const quota = createAddressQuota(2);
    const first = quota.acquire('a');
    expect(quota.acquire('a')).toBeDefined();
    expect(quota.acquire('a')).toBeUndefined();
    expect(quota.acquire('b')).toBeDefined();
    first!();
    first!();
    expect(quota.count('a')).toBe(1);
    expect(quota.acquire('a')).toBeDefined();
  });

  it('when the limit is 0, then nothing is refused', () => {
    const quota = createAddressQuota(0);
    for (let i = 0; i < 1_000; i += 1) expect(quota.acquire('a')).toBeDefined();
  });
});
