import { topics } from '@orderpulse/contracts';

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

export interface TokenSources {
  location: Pick<Location, 'href'>;
  history: Pick<History, 'replaceState' | 'state'>;
  storage: Pick<Storage, 'getItem' | 'setItem'> | undefined;
}

const storageKey = (orderId: string) => `orderpulse:track-token:${orderId}`;

/**
 * The customer's token arrives once as `?t=`; it is moved into sessionStorage and taken out of
 * the address bar so it does not end up in bookmarks, screenshots or shared links.
 */
export function takeTrackingToken(orderId: string, { location, history, storage }: TokenSources): string | undefined {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('t');
  if (fromUrl) {
    try {
      storage?.setItem(storageKey(orderId), fromUrl);
    } catch {
      // Storage can be disabled (private mode); the token still works for this page view.
    }
    url.searchParams.delete('t');
    history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
    return fromUrl;
  }
  try {
    return storage?.getItem(storageKey(orderId)) ?? undefined;
  } catch {
    return undefined;
  }
}
