export type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface TokenSources {
  location: Pick<Location, 'href'>;
  history: Pick<History, 'replaceState' | 'state'>;
  storage: StorageLike | undefined;
}

/** sessionStorage, or undefined where the browser disables it (some private modes). */
export function sessionStorageOrUndefined(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

/** localStorage (kept across tabs and restarts), or undefined where the browser disables it. */
export function localStorageOrUndefined(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

export function readStored(storage: StorageLike | undefined, key: string): string | undefined {
  try {
    return storage?.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

export function writeStored(storage: StorageLike | undefined, key: string, value: string | undefined): void {
  try {
    if (value === undefined) storage?.removeItem(key);
    else storage?.setItem(key, value);
  } catch {
    // Storage can be disabled or full; the value still works for this page view.
  }
}

/**
 * A token arrives once as `?t=`; it is moved into storage (sessionStorage, or localStorage for
 * the rider) and taken out of the address bar so it does not end up in bookmarks, history,
 * screenshots or shared links. Later loads of the page (a reload) find it in storage.
 */
export function takeTokenFromUrl(key: string, { location, history, storage }: TokenSources): string | undefined {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('t');
  if (fromUrl) {
    writeStored(storage, key, fromUrl);
    url.searchParams.delete('t');
    history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
    return fromUrl;
  }
  return readStored(storage, key);
}
