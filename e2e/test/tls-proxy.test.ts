import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { topics } from '@orderpulse/contracts';
import { deleteAmqpNamespace, testNamespace } from '@orderpulse/service-kit/testing';
import { describeIfAvailable } from '@orderpulse/service-kit/testing/suites';
import { aNewOrder, MqttRecorder, startSystem, type RunningSystem } from '../src/harness/index.js';
import {
  caddyMissing,
  httpsRequest,
  makeTestCertificates,
  opensslMissing,
  startTlsProxy,
  tlsProxyPorts,
  type RunningTlsProxy,
  type TestCertificates,
} from '../src/tls/index.js';

const amqpUrl = process.env.AMQP_URL as string;

/**
 * docker-compose.yml's TLS front, run here as real processes: Caddy with deploy/Caddyfile and a
 * certificate the test makes, in front of the real broker, services and web-client. Browsers and
 * devices reach everything through it: https for the pages and APIs, wss for MQTT.
 */
describeIfAvailable(
  'when the system runs behind the TLS proxy (deploy/Caddyfile), then customers use https and wss only',
  caddyMissing() ?? opensslMissing(),
  () => {
    const namespace = testNamespace('tls');
    let certificates: TestCertificates;
    let system: RunningSystem;
    let proxy: RunningTlsProxy;
    const proxyLines: string[] = [];

    beforeAll(async () => {
      certificates = makeTestCertificates();
      const ports = await tlsProxyPorts();
      // What compose gives them: the web-client hands browsers the proxy's URLs; orders-service trusts one proxy hop.
      const web = {
        MQTT_WS_URL: `wss://localhost:${ports.httpsPort}/mqtt`,
        ORDERS_URL: `${ports.origin}/api/orders`,
        DELIVERY_URL: `${ports.origin}/api/delivery`,
      };
      system = await startSystem({ amqpUrl, namespace, ports: 'free', env: { web, orders: { TRUST_PROXY_HOPS: '1' } } });
      proxy = await startTlsProxy({
        ports,
        certificate: { certFile: certificates.certFile, keyFile: certificates.keyFile },
        upstreams: {
          web: `127.0.0.1:${system.ports.web}`,
          orders: `127.0.0.1:${system.ports.orders}`,
          delivery: `127.0.0.1:${system.ports.delivery}`,
          brokerWs: `127.0.0.1:${system.ports.mqttWs}`,
        },
        onLine: (_name, line) => proxyLines.push(line),
      });
    }, 90_000);

    afterAll(async () => {
      await proxy?.process.stop();
      await system?.stop();
      await deleteAmqpNamespace(amqpUrl, namespace, ['notifier', 'delivery-service.orders', 'orders-service.delivery']);
    });

    const api = (path: string, init: Parameters<typeof httpsRequest>[2] = {}) => httpsRequest(`${proxy.origin}/api/orders${path}`, certificates.ca, init);

    it('when a customer subscribes over wss:// and the admin changes the order over https://, then the customer receives the update', async () => {
      const created = await api('/orders', { method: 'POST', body: aNewOrder() });
      expect(created.status).toBe(201);
      const order = created.json as { id: string; trackingToken: string };
      const customer = await MqttRecorder.connect(`wss://localhost:${proxy.httpsPort}/mqtt`, [topics.orderStatus(order.id)], {
        ca: certificates.ca,
        clientId: `tls-customer-${order.id.slice(0, 8)}`,
        username: 'customer',
        password: order.trackingToken,
      });
      try {
        const login = await api('/auth/login', { method: 'POST', body: { username: 'admin', password: 'change-me' } });
        expect(login.status).toBe(200);
        const patched = await api(`/orders/${order.id}/status`, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${login.json.token}` },
          body: { status: 'confirmed' },
        });
        expect(patched.status).toBe(200);

        const update = await customer.waitFor((ms) => ms.find((m) => m.payload.status === 'confirmed'), 'the confirmed status over wss');
        expect(update.payload).toMatchObject({ orderId: order.id, status: 'confirmed', version: 2 });
      } finally {
        await customer.close();
      }
    });

    it('when the tracking page is fetched over https://, then it is served, and its config points browsers at https and wss only', async () => {
      const order = (await api('/orders', { method: 'POST', body: aNewOrder() })).json as { id: string; trackingToken: string };

      const page = await httpsRequest(`${proxy.origin}/track/${order.id}?t=${order.trackingToken}`, certificates.ca, { headers: { accept: 'text/html' } });

      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toContain('<html');
      expect(page.headers['content-security-policy']).toContain(`connect-src 'self' wss://localhost:${proxy.httpsPort} ${proxy.origin}`);
      const config = await httpsRequest(`${proxy.origin}/config.json`, certificates.ca);
      // No map: the harness sets no MAP_TILE_URL.
      expect(config.json).toEqual({
        mqttWsUrl: `wss://localhost:${proxy.httpsPort}/mqtt`,
        ordersUrl: `${proxy.origin}/api/orders`,
        deliveryUrl: `${proxy.origin}/api/delivery`,
        map: null,
        customerPathAfterDelivery: false,
      });
    });

    it('when a client does not trust the certificate, or comes over plain http, then it gets no page', async () => {
      await expect(fetch(`${proxy.origin}/track`)).rejects.toThrow();
      const plain = await fetch(`http://localhost:${proxy.httpPort}/track`, { redirect: 'manual' });
      expect([301, 302, 307, 308]).toContain(plain.status);
      // Caddy names the https port only when it is not the default: behind compose it is 443.
      expect(plain.headers.get('location')).toMatch(/^https:\/\/localhost(:\d+)?\/track$/);
    });

    it('when a guesser forges X-Forwarded-For through the proxy, then its failed logins still count against its own address', async () => {
      for (let i = 0; i < 10; i++) {
        const res = await api('/auth/login', {
          method: 'POST',
          headers: { 'x-forwarded-for': `203.0.113.${i}` },
          body: { username: 'admin', password: `wrong-${i}` },
        });
        expect(res.status).toBe(401);
      }
      const refused = await api('/auth/login', {
        method: 'POST',
        headers: { 'x-forwarded-for': '198.51.100.1' },
        body: { username: 'admin', password: 'change-me' },
      });
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toEqual(expect.any(String));
    });

    it('when /metrics is asked through the proxy, then no metric comes back', async () => {
      for (const path of ['/metrics', '/api/orders/metrics', '/api/delivery/metrics']) {
        const res = await httpsRequest(`${proxy.origin}${path}`, certificates.ca);
        expect(res.text).not.toMatch(/^# HELP /m);
      }
    });
  },
);
