import { get, type IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigError, createLogger } from '@orderpulse/service-kit';
import { loadWebClientConfig, startWebClient, type StartedWebClient } from '../src/server/index.js';
import { startTestWebClient } from './support/web-client.js';

const ORDER = '3f1c8a52-9a7e-4a31-9a55-2d6b1f1e8c11';
const ENV = {
  MQTT_WS_URL: 'ws://broker.test:9001/mqtt',
  ORDERS_URL: 'http://orders.test:4001/',
  DELIVERY_URL: 'http://delivery.test:4002',
};

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  bytes: Buffer;
  body: string;
}

/** A request exactly as given (fetch() would resolve dot segments and decompress bodies). */
function rawGet(port: number, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes, body: bytes.toString('utf8') });
      });
    }).on('error', reject);
  });
}

async function assetsOf(port: number, page: string): Promise<string[]> {
  const html = (await rawGet(port, page)).body;
  return [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] as string);
}

describe('web-client server', () => {
  let web: StartedWebClient;
  beforeAll(async () => {
    web = await startTestWebClient(ENV);
  });
  afterAll(() => web.close());

  it('when /config.json is requested, then it returns the URLs the browser needs', async () => {
    const res = await fetch(`${web.url}/config.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      mqttWsUrl: 'ws://broker.test:9001/mqtt',
      ordersUrl: 'http://orders.test:4001',
      deliveryUrl: 'http://delivery.test:4002',
      map: null,
      customerPathAfterDelivery: false,
    });
  });

  it('when /track/:orderId is requested, then the tracking app is served with its built assets', async () => {
    const res = await fetch(`${web.url}/track/${ORDER}?t=token`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'self' ws://broker.test:9001 http://orders.test:4001");
    const html = await res.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] as string);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const asset of assets) {
      const file = await fetch(`${web.url}${asset}`);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toMatch(asset.endsWith('.js') ? /javascript/ : /text\/css/);
      expect(file.headers.get('cache-control')).toContain('immutable');
    }
  });

  it('when /track is requested without an order, then the same app is served', async () => {
    const [bare, withId] = await Promise.all([fetch(`${web.url}/track`), fetch(`${web.url}/track/${ORDER}`)]);
    expect(bare.status).toBe(200);
    expect(await bare.text()).toBe(await withId.text());
  });

  it.each(['/admin', '/rider'])('when %s is requested, then its own app is served under the same CSP', async (path) => {
    const res = await fetch(`${web.url}${path}?t=x`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain(`/assets/${path.slice(1)}-`);
    expect(html).not.toBe(await (await fetch(`${web.url}/track`)).text());
  });

  it('when / is requested, then it redirects to the tracking app', async () => {
    const res = await fetch(`${web.url}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/track');
  });

  it.each(['/nope', '/track/a/b', '/assets/missing.js', '/assets/..%2F..%2Fpackage.json', '/assets/../../package.json', '/assets/%E0%A4%A'])(
    'when %s is requested, then it is a JSON 404',
    async (path) => {
      // A raw request: fetch() would resolve the dot segments before sending.
      const res = await rawGet(web.port, path);
      expect(res.status).toBe(404);
      expect(JSON.parse(res.body)).toEqual({ error: { code: 'not_found', message: expect.stringContaining('no route') } });
    },
  );

  it('when a bundle is requested with brotli or gzip accepted, then the precompressed file is sent with Content-Encoding and Vary', async () => {
    const [script] = (await assetsOf(web.port, '/track')).filter((a) => a.includes('/shared-'));
    expect(script).toBeDefined();
    const plain = await rawGet(web.port, script as string);
    const br = await rawGet(web.port, script as string, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    const gz = await rawGet(web.port, script as string, { 'accept-encoding': 'gzip' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(br.headers['content-encoding']).toBe('br');
    expect(gz.headers['content-encoding']).toBe('gzip');
    for (const res of [plain, br, gz]) {
      expect(res.status).toBe(200);
      expect(res.headers.vary).toBe('Accept-Encoding');
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers['content-type']).toMatch(/javascript/);
      expect(Number(res.headers['content-length'])).toBe(res.bytes.length);
    }
    expect(brotliDecompressSync(br.bytes).equals(plain.bytes)).toBe(true);
    expect(gunzipSync(gz.bytes).equals(plain.bytes)).toBe(true);
    expect(br.bytes.length).toBeLessThan(plain.bytes.length / 3);
    expect(gz.bytes.length).toBeLessThan(plain.bytes.length / 2.5);
  });

  it('when a client refuses brotli (br;q=0), then gzip is sent instead', async () => {
    const [style] = (await assetsOf(web.port, '/admin')).filter((a) => a.endsWith('.css'));
    const res = await rawGet(web.port, style as string, { 'accept-encoding': 'br;q=0, gzip' });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(res.bytes).toString('utf8')).toContain('{');
  });

  it('when the bundles are built, then none points to a source map and the maps themselves are not served', async () => {
    for (const page of ['/track', '/admin', '/rider']) {
      for (const asset of (await assetsOf(web.port, page)).filter((a) => a.endsWith('.js'))) {
        const res = await rawGet(web.port, asset);
        expect(res.body).not.toContain('sourceMappingURL');
        expect(res.headers.sourcemap).toBeUndefined();
        expect((await rawGet(web.port, `${asset}.map`)).status).toBe(404);
      }
    }
  });

  it('when a precompressed copy is asked for by its own name, then it is a 404', async () => {
    const [script] = await assetsOf(web.port, '/rider');
    expect((await rawGet(web.port, `${script as string}.br`)).status).toBe(404);
  });

  it("when the rider app's service worker, manifest and icons are requested, then they are served at fixed URLs and revalidated", async () => {
    const worker = await rawGet(web.port, '/rider-sw.js', { 'accept-encoding': 'br' });
    expect(worker.status).toBe(200);
    expect(worker.headers['content-type']).toMatch(/javascript/);
    expect(worker.headers['cache-control']).toBe('no-cache');
    expect(brotliDecompressSync(worker.bytes).toString('utf8')).toContain('addEventListener(`fetch`');
    const again = await rawGet(web.port, '/rider-sw.js', { 'if-modified-since': worker.headers['last-modified'] as string });
    expect(again.status).toBe(304);

    const manifest = await rawGet(web.port, '/rider/manifest.webmanifest');
    expect(manifest.headers['content-type']).toBe('application/manifest+json; charset=utf-8');
    const parsed = JSON.parse(manifest.body) as { start_url: string; scope: string; display: string; icons: Array<{ src: string; sizes: string }> };
    expect(parsed).toMatchObject({ start_url: '/rider', scope: '/rider', display: 'standalone' });
    for (const icon of parsed.icons) {
      const res = await rawGet(web.port, icon.src);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('image/png');
      expect(res.bytes.readUInt32BE(16)).toBe(Number(icon.sizes.split('x')[0]));
    }
  });

  it('when /healthz and /readyz are requested, then the scaffold answers', async () => {
    expect((await fetch(`${web.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${web.url}/readyz`)).status).toBe(200);
  });
});

describe('web-client server with a map tile source and public source maps', () => {
  let web: StartedWebClient;
  beforeAll(async () => {
    web = await startTestWebClient({
      ...ENV,
      MAP_TILE_URL: 'https://tiles.test:8443/osm/{z}/{x}/{y}.png',
      MAP_ATTRIBUTION: '© Test tiles',
      SERVE_SOURCE_MAPS: 'true',
    });
  });
  afterAll(() => web.close());

  it('when the pages load, then /config.json names the tile source and the CSP allows images from its origin only', async () => {
    expect((await (await fetch(`${web.url}/config.json`)).json()) as unknown).toMatchObject({
      map: { tileUrl: 'https://tiles.test:8443/osm/{z}/{x}/{y}.png', attribution: '© Test tiles' },
    });
    const csp = (await fetch(`${web.url}/track`)).headers.get('content-security-policy');
    expect(csp).toContain("img-src 'self' data: https://tiles.test:8443;");
  });

  it('when SERVE_SOURCE_MAPS=true, then the source maps are served', async () => {
    const [script] = (await assetsOf(web.port, '/track')).filter((a) => a.endsWith('.js'));
    const map = await rawGet(web.port, `${script as string}.map`);
    expect(map.status).toBe(200);
    expect((JSON.parse(map.body) as { sources: string[] }).sources.length).toBeGreaterThan(0);
  });
});

describe('web-client configuration', () => {
  it('when nothing is set, then the documented defaults apply', () => {
    const config = loadWebClientConfig({});
    expect(config).toMatchObject({
      WEB_PORT: 3000,
      HOST: '127.0.0.1',
      MQTT_WS_URL: 'ws://127.0.0.1:8083/mqtt',
      ORDERS_URL: 'http://127.0.0.1:3001',
      DELIVERY_URL: 'http://127.0.0.1:3002',
    });
  });

  it.each([
    ['MQTT_WS_URL', 'mqtt://127.0.0.1:1884'],
    ['ORDERS_URL', 'not a url'],
    ['WEB_PORT', '70000'],
    ['MAP_TILE_URL', 'https://tiles.test/tile.png'],
    ['MAP_TILE_URL', 'https://{s}.tiles.test/{z}/{x}/{y}.png'],
    ['MAP_TILE_URL', 'ftp://tiles.test/{z}/{x}/{y}.png'],
    ['SERVE_SOURCE_MAPS', 'yes'],
  ])('when %s is %j, then loading fails naming the key', (key, value) => {
    expect(() => loadWebClientConfig({ [key]: value })).toThrow(ConfigError);
    expect(() => loadWebClientConfig({ [key]: value })).toThrow(key);
  });

  it('when the port is taken, then starting fails with EADDRINUSE', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const config = loadWebClientConfig({ WEB_PORT: String(port), METRICS_PORT: '0' });
      await expect(startWebClient(config, createLogger('web-client', 'silent'))).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      blocker.close();
    }
  });

  it('when the apps are not built, then starting fails saying how to build them', async () => {
    const config = loadWebClientConfig({ WEB_PORT: '0', METRICS_PORT: '0' });
    await expect(startWebClient(config, createLogger('web-client', 'silent'), { publicDir: '/nonexistent' })).rejects.toThrow(
      /npm run build --workspace web-client/,
    );
  });
});
