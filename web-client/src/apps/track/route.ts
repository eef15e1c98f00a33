import { topics } from '@orderpulse/contracts';
import { takeTokenFromUrl, writeStored, type StorageLike, type TokenSources } from '../shared/url-token.js';

export type { TokenSources } from '../shared/url-token.js';

export type TrackRoute = { kind: 'lookup' } | { kind: 'order'; orderId: string } | { kind: 'invalid' };

/** `/track` → lookup; `/track/<id>` → that order, when `<id>` can name an MQTT topic. */
export function parseTrackRoute(pathname: string): TrackRoute {
  if (/^\/track\/?$/.test(pathname)) return { kind: 'lookup' };
  const match = /^\/track\/([^/]+)\/?$/.exec(pathname);
  if (!match?.[1]) return { kind: 'invalid' };
  let orderId: string;
  try {
    orderId = decodeURIComponent(match[1]);
  } catch {
    return { kind: 'invalid' };
  }
  return isValidOrderId(orderId) ? { kind: 'order', orderId } : { kind: 'invalid' };
}

export function isValidOrderId(orderId: string): boolean {
  try {
    topics.orderStatus(orderId);
    return true;
  } catch {
    return false;
  }
}

const storageKey = (orderId: string) => `orderpulse:track-token:${orderId}`;

/** The customer's token for this order: from `?t=` (then moved out of the URL) or sessionStorage. */
export function takeTrackingToken(orderId: string, sources: TokenSources): string | undefined {
  return takeTokenFromUrl(storageKey(orderId), sources);
}

/** After a lookup, so the order's page opens without the token in its URL. */
export function rememberTrackingToken(orderId: string, token: string, storage: StorageLike | undefined): void {
  writeStored(storage, storageKey(orderId), token);
}
