import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Request } from 'playwright-core';
import { deleteAmqpNamespace, testNamespace } from '@orderpulse/service-kit/testing';
import { describeIfAvailable } from '@orderpulse/service-kit/testing/suites';
import { BrowserSession, byTestId, chromiumMissing, TrackPage, waitForText } from '../src/browser/index.js';
import { aNewOrder, OrdersClient, TestTokens, startSystem, type RunningSystem } from '../src/harness/index.js';

const amqpUrl = process.env.AMQP_URL as string;
const QUEUES = ['notifier', 'delivery-service.orders', 'orders-service.delivery'];
/** Longer than two of the page's 3 s poll intervals. */
const NO_POLL_WINDOW_MS = 7_000;

describeIfAvailable('in the browser: when the broker goes away under an open tracking page', chromiumMissing(), () => {
  const namespace = testNamespace('web');
  let system: RunningSystem;
  let browser: BrowserSession;

  beforeAll(async () => {
    system = await startSystem({ amqpUrl, namespace, ports: 'free', env: { orders: { ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: 'browser-e2e-password' } } });
    browser = await BrowserSession.start();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    await deleteAmqpNamespace(amqpUrl, namespace, QUEUES);
  });

  it('then the page polls the API and still shows an admin change, and once the broker is back it is live again and stops polling', async () => {
    const created = await new OrdersClient(system.urls.orders).createOrder(aNewOrder());
    expect(created.status).toBe(201);
    const order = created.body;
    const adminApi = new OrdersClient(system.urls.orders, await new TestTokens(system.jwtSecret).admin());

    const customer = await browser.open(undefined, { phone: true });
    const orderGets: Array<{ at: number; request: Request }> = [];
    const isOrderGet = (r: Request) => r.method() === 'GET' && new URL(r.url()).pathname === `/orders/${order.id}`;
    customer.page.on('request', (request) => {
      if (isOrderGet(request)) orderGets.push({ at: Date.now(), request });
    });
    await customer.page.goto(TrackPage.url(system.urls.web, order.id, order.trackingToken as string));
    const track = new TrackPage(customer.page);
    await track.waitForStatus('Order placed');
    await track.waitForConnection('live');

    await system.processes.get('broker')!.stop();
    await track.waitForConnection('polling');
    await waitForText(customer.page.locator(byTestId('connection-hint')), /checking for changes every few seconds/);
    const polledBefore = orderGets.length;
    expect((await adminApi.changeStatus(order.id, { status: 'confirmed', note: 'while the broker was down' })).status).toBe(200);
    await track.waitForStatus('Confirmed');
    expect(orderGets.length).toBeGreaterThan(polledBefore);
    await browser.screenshot(customer.page, 'track-polling');

    await system.restart('broker');
    await track.waitForConnection('live');
    const atLive = orderGets.length;
    const late = await customer.page.waitForRequest(isOrderGet, { timeout: NO_POLL_WINDOW_MS }).catch(() => undefined);
    expect(late?.url()).toBeUndefined();
    expect(orderGets.length).toBe(atLive);

    // Live for real: the next change arrives over MQTT, still without a poll.
    expect((await adminApi.changeStatus(order.id, { status: 'processing' })).status).toBe(200);
    await track.waitForStatus('Being prepared');
    expect(orderGets.length).toBe(atLive);
    await browser.screenshot(customer.page, 'track-live-again');
  }, 90_000);
});
