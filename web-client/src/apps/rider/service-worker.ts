/// <reference lib="webworker" />
// The rider app's service worker (served at /rider-sw.js, scope /rider): the app shell is kept
// so the app opens without a network and shows what is waiting to be sent. Self-contained: it
// imports nothing, so it is one small classic script.

// A module for the type checker (so `self` can be typed); the built file has no imports or exports.
export {};
declare const self: ServiceWorkerGlobalScope;
declare const __BUILD_ID__: string;

/** One cache per build: a new build installs a new worker, which drops the old cache. */
const CACHE = `orderpulse-rider-${__BUILD_ID__}`;
const SHELL_PAGE = '/rider';
const CONFIG = '/config.json';
/** Runtime-cached chunks (the map) beyond the shell; a bound on what one build may cache. */
const MAX_ENTRIES = 40;

/** The hashed scripts and styles a page references (entry, shared chunk, preloads, CSS). */
function assetsOf(html: string): string[] {
  return [...new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] as string))];
}

async function cacheShell(): Promise<void> {
  const cache = await caches.open(CACHE);
  const page = await fetch(SHELL_PAGE, { cache: 'no-store' });
  if (!page.ok) throw new Error(`could not fetch ${SHELL_PAGE}: HTTP ${page.status}`);
  await cache.put(SHELL_PAGE, page.clone());
  await cache.addAll([CONFIG, ...assetsOf(await page.text())]);
}

async function dropOldCaches(): Promise<void> {
  for (const name of await caches.keys()) if (name.startsWith('orderpulse-rider-') && name !== CACHE) await caches.delete(name);
}

/** The network's answer (kept for next time), or the cached one when the network fails. */
async function networkFirst(request: Request, key: string): Promise<Response> {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch (err) {
    const cached = await cache.match(key);
    if (cached) return cached;
    throw err;
  }
}

/** Hashed files never change: the cached copy, or fetch and keep it. */
async function cacheFirst(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && (await cache.keys()).length < MAX_ENTRIES) await cache.put(request, response.clone());
  return response;
}

self.addEventListener('install', (event) => {
  event.waitUntil(cacheShell().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(dropOldCaches().then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && url.pathname === SHELL_PAGE) event.respondWith(networkFirst(request, SHELL_PAGE));
  else if (url.pathname === CONFIG) event.respondWith(networkFirst(request, CONFIG));
  else if (url.pathname.startsWith('/assets/')) event.respondWith(cacheFirst(request));
});
