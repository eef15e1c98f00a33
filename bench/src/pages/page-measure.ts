import type { Browser, BrowserContext, Page } from 'playwright-core';

/** What one page load cost and how soon it showed live state. */
export interface PageLoad {
  /** Bytes on the wire (headers + encoded bodies) of every HTTP response, web-client origin only. */
  appBytes: number;
  /** The same for the API calls to orders-service and delivery-service. */
  apiBytes: number;
  /** The same for map tiles, when a tile source is configured. */
  tileBytes: number;
  appRequests: number;
  /** Decoded body bytes of the web-client's responses: what they would weigh uncompressed. */
  appDecodedBytes: number;
  /** From navigation start until the page shows its content and says `live`. */
  firstLiveMs: number;
}

export interface NetworkProfile {
  name: string;
  /** undefined: no throttling (loopback). */
  conditions?: { latency: number; downloadThroughput: number; uploadThroughput: number };
}

export const NETWORKS: readonly NetworkProfile[] = [
  { name: 'loopback' },
  // Chrome DevTools' "Fast 3G" (now "Slow 4G"): 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip.
  { name: 'slow 4G', conditions: { latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 } },
];

/**
 * Runs before the page's own scripts: records `performance.now()` once `ready` (a CSS selector)
 * matches and the connection indicator says live. Init scripts are not subject to the page's CSP.
 */
function firstLiveProbe(ready: string): string {
  return `(() => {
    const check = () => {
      if (window.__firstLive !== undefined) return;
      if (document.querySelector('[data-testid="connection-state"][data-state="live"]') && document.querySelector(${JSON.stringify(ready)})) {
        window.__firstLive = performance.now();
      }
    };
    new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  })();`;
}

export interface PageTarget {
  name: string;
  url: string;
  /** A selector that matches once the page shows what it is for. */
  ready: string;
  /** Set up the context before the load (stored sessions). */
  prepare?(context: BrowserContext): Promise<void>;
}

export interface Origins {
  web: string;
  tiles?: string | undefined;
}

/**
 * One cold load of `target` under `network`: a fresh context starts with an empty HTTP cache.
 * Service workers are blocked: what a worker fetches for the page would not show in the page's
 * network events (the rider app's worker would fetch the map chunk out of sight). What the
 * worker costs on its own is caching the shell it was installed from: its assets come from the
 * HTTP cache the page has just filled, only the page and /config.json (~1.5 KB) from the network.
 */
export async function measureLoad(browser: Browser, target: PageTarget, network: NetworkProfile, origins: Origins): Promise<PageLoad> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
  try {
    await target.prepare?.(context);
    await context.addInitScript(firstLiveProbe(target.ready));
    const page: Page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    if (network.conditions) await cdp.send('Network.emulateNetworkConditions', { offline: false, ...network.conditions });
    const urls = new Map<string, string>();
    cdp.on('Network.responseReceived', (event) => urls.set(event.requestId, event.response.url));
    const load: PageLoad = { appBytes: 0, apiBytes: 0, tileBytes: 0, appRequests: 0, appDecodedBytes: 0, firstLiveMs: Number.NaN };
    const decoded = new Map<string, number>();
    cdp.on('Network.dataReceived', (event) => decoded.set(event.requestId, (decoded.get(event.requestId) ?? 0) + event.dataLength));
    cdp.on('Network.loadingFinished', (event) => {
      const url = urls.get(event.requestId) ?? '';
      if (url.startsWith(origins.web)) {
        load.appBytes += event.encodedDataLength;
        load.appDecodedBytes += decoded.get(event.requestId) ?? 0;
        load.appRequests += 1;
      } else if (origins.tiles && url.startsWith(origins.tiles)) {
        load.tileBytes += event.encodedDataLength;
      } else if (url.startsWith('http')) {
        load.apiBytes += event.encodedDataLength;
      }
    });
    await page.goto(target.url);
    // Functions, not strings: the pages' CSP forbids eval, and Playwright would eval a string.
    const firstLive = () => (globalThis as { __firstLive?: number }).__firstLive;
    await page.waitForFunction(firstLive, undefined, { timeout: 60_000, polling: 100 });
    load.firstLiveMs = Math.round((await page.evaluate(firstLive)) as number);
    // Late requests (a lazily loaded chunk, map tiles) count too: wait until the network is quiet.
    await page.waitForLoadState('networkidle', { timeout: 30_000 }).catch(() => undefined);
    return load;
  } finally {
    await context.close();
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : Math.round(((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2);
}
