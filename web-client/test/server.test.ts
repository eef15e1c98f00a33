import { get } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
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

function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
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

  it('when /healthz and /readyz are requested, then the scaffold answers', async () => {
    expect((await fetch(`${web.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${web.url}/readyz`)).status).toBe(200);
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
