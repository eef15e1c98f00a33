/**
 * Issue 16 point 5: what each browser app costs to open. For the tracking page, the admin console
 * and the rider app, cold loads (fresh context, no cache) in headless Chromium against the real
 * system: bytes on the wire from the web-client and from the APIs, and the time from navigation
 * start until the page shows its content and says `live`. Medians of BENCH_RUNS loads, on
 * loopback and on an emulated slow 4G link.
 *
 *   npm run bench:pages -w bench        (after `npm run build`; needs /usr/bin/chromium and RabbitMQ)
 * Env: BENCH_RUNS=5  BENCH_PAGES_NAME=pages (results file name)
 *      BENCH_MAP_TILES=1: MAP_TILE_URL points at a local tile server (the e2e tests' one), so the
 *      pages load and draw their maps; otherwise they draw without one (the default set-up).
 */
import { launchChromium, startTileServer, type TileServer } from '@orderpulse/e2e/browser';
import { printTable, writeResults, type BenchRow } from '../lib/index.js';
import { machineLine, writeMarkdown } from '../system/report.js';
import { envNumber } from '../system/settings.js';
import { startSystemUnderTest } from '../system/system-under-test.js';
import { measureLoad, median, NETWORKS, type PageLoad, type PageTarget } from './page-measure.js';
import { prepareDeliveryInProgress } from './page-scenario.js';

const RUNS = envNumber('BENCH_RUNS', 5);
const NAME = process.env.BENCH_PAGES_NAME ?? 'pages';
const WITH_MAP = /^(1|true|yes)$/i.test(process.env.BENCH_MAP_TILES ?? '');
const COLUMNS = ['page', 'network', 'web-client KB', 'uncompressed KB', 'requests', 'API KB', ...(WITH_MAP ? ['tiles KB'] : []), 'first live ms'];

async function main(): Promise<void> {
  const tiles: TileServer | undefined = WITH_MAP ? await startTileServer() : undefined;
  const sut = await startSystemUnderTest({ prefix: 'pages', ...(tiles ? { env: { web: { MAP_TILE_URL: tiles.template } } } : {}) });
  const browser = await launchChromium();
  try {
    const web = sut.system.urls.web;
    const scenario = await prepareDeliveryInProgress(sut);
    const targets: PageTarget[] = [
      {
        name: 'tracking page',
        url: `${web}/track/${scenario.orderId}?t=${encodeURIComponent(scenario.trackingToken)}`,
        ready: '[data-testid="order-status"][data-status="out_for_delivery"]',
      },
      {
        name: 'admin console',
        url: `${web}/admin`,
        ready: `[data-testid="orders-table"] tr[data-order-id="${scenario.orderId}"]`,
        prepare: async (context) => {
          await context.addInitScript(
            `sessionStorage.setItem('orderpulse:admin-session', ${JSON.stringify(JSON.stringify({ token: sut.adminToken, expiresAt: new Date(Date.now() + 3_600_000).toISOString() }))})`,
          );
        },
      },
      {
        name: 'rider app',
        url: `${web}/rider?t=${encodeURIComponent(scenario.riderToken)}`,
        ready: `[data-testid="assignments"] li[data-delivery-id="${scenario.deliveryId}"]`,
      },
    ];
    const rows: BenchRow[] = [];
    for (const network of NETWORKS) {
      for (const target of targets) {
        const loads: PageLoad[] = [];
        for (let i = 0; i < RUNS; i += 1) loads.push(await measureLoad(browser, target, network, { web, tiles: tiles?.origin }));
        const kb = (pick: (l: PageLoad) => number) => Math.round(median(loads.map(pick)) / 102.4) / 10;
        rows.push({
          scenario: target.name,
          system: 'orderpulse',
          page: target.name,
          network: network.name,
          'web-client KB': kb((l) => l.appBytes),
          'uncompressed KB': kb((l) => l.appDecodedBytes),
          requests: median(loads.map((l) => l.appRequests)),
          'API KB': kb((l) => l.apiBytes),
          ...(WITH_MAP ? { 'tiles KB': kb((l) => l.tileBytes) } : {}),
          'first live ms': median(loads.map((l) => l.firstLiveMs)),
        });
        process.stdout.write(`${target.name} on ${network.name}: ${loads.map((l) => `${l.firstLiveMs} ms`).join(', ')}\n`);
      }
    }
    sut.assertAlive();
    printTable(rows, COLUMNS);
    const notes = [
      `Cold loads: a fresh browser context (empty cache), medians of ${RUNS}. Chromium ${browser.version()}, headless. ${WITH_MAP ? 'MAP_TILE_URL set (a local tile server of 256×256 PNGs): the pages load the map chunk and draw maps.' : 'No MAP_TILE_URL: the tracking page draws its offline plot, no map chunk loads.'}`,
      '"web-client KB": headers and encoded bodies of every HTTP response from the web-client (HTML, config, scripts, styles, icons; map tiles apart, in "tiles KB"); "uncompressed KB": their decoded bodies; "API KB": the responses of orders-service and delivery-service.',
      '"first live ms": navigation start until the page shows the order status (tracking page), the order in the table (console, signed in from a stored session) or the delivery (rider app), with the connection indicator on `live`.',
      'slow 4G: Chrome DevTools network emulation, 1.6 Mbit/s down, 750 kbit/s up, 150 ms added latency per request; MQTT over WebSocket is not throttled.',
      machineLine(),
    ];
    writeResults(NAME, { rows, notes });
    writeMarkdown(NAME, 'Browser apps: bytes and time to first live status', [], [{ title: 'Cold loads', rows, columns: COLUMNS }], notes);
  } finally {
    await browser.close();
    await sut.close();
    await tiles?.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
