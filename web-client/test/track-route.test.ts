import { describe, expect, it } from '@jest/globals';
import { parseTrackRoute, takeTrackingToken, type TokenSources } from '../src/apps/track/route.js';

const ORDER = '3f1c8a52-9a7e-4a31-9a55-2d6b1f1e8c11';

function browserAt(href: string, stored: Record<string, string> = {}) {
  const storage = new Map(Object.entries(stored));
  const replaced: string[] = [];
  const sources: TokenSources = {
    location: { href },
    history: { state: null, replaceState: (_state, _unused, url) => void replaced.push(String(url)) },
    storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v), removeItem: (k) => void storage.delete(k) },
  };
  return { sources, storage, replaced };
}

describe('track route', () => {
  it.each([
    ['/track', { kind: 'lookup' }],
    ['/track/', { kind: 'lookup' }],
    [`/track/${ORDER}`, { kind: 'order', orderId: ORDER }],
    [`/track/${ORDER}/`, { kind: 'order', orderId: ORDER }],
    ['/track/a+b', { kind: 'invalid' }],
    ['/track/%23', { kind: 'invalid' }],
    ['/track/%E0%A4%A', { kind: 'invalid' }],
  ])('when the path is %s, then the route is %j', (path, route) => {
    expect(parseTrackRoute(path)).toEqual(route);
  });

  it('when the link carries ?t=, then the token is kept in session storage and removed from the address bar', () => {
    const { sources, storage, replaced } = browserAt(`https://shop.test/track/${ORDER}?t=tok&utm=x#top`);
    expect(takeTrackingToken(ORDER, sources)).toBe('tok');
    expect(storage.get(`orderpulse:track-token:${ORDER}`)).toBe('tok');
    expect(replaced).toEqual([`/track/${ORDER}?utm=x#top`]);
  });

  it('when the page is reloaded without ?t=, then the stored token is used and the URL left alone', () => {
    const { sources, replaced } = browserAt(`https://shop.test/track/${ORDER}`, { [`orderpulse:track-token:${ORDER}`]: 'tok' });
    expect(takeTrackingToken(ORDER, sources)).toBe('tok');
    expect(replaced).toEqual([]);
  });

  it('when there is no token anywhere, then there is none', () => {
    expect(takeTrackingToken(ORDER, browserAt(`https://shop.test/track/${ORDER}`).sources)).toBeUndefined();
  });
});
