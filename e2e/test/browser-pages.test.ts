import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Page, Response } from 'playwright-core';
import mqtt from 'mqtt';
import { topics } from '@orderpulse/contracts';
import { testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { describeIfAvailable } from '@orderpulse/service-kit/testing/suites';
import {
  AdminConsole,
  BrowserSession,
  byTestId,
  chromiumMissing,
  copyScreenshotToDocs,
  RiderApp,
  seriousAxeViolations,
  startSystemWithMap,
  TrackPage,
  waitForText,
  type SystemWithMap,
} from '../src/browser/index.js';
import { aNewOrder, DeliveryClient, OrdersClient, shipNewOrder, TestTokens, type RunningSystem } from '../src/harness/index.js';

const amqpUrl = process.env.AMQP_URL as string;
const ADMIN = { username: 'admin', password: 'browser-e2e-password' };
const HOME = aNewOrder().deliveryAddress as { lat: number; lng: number };
/** The chunk holding Leaflet and the map module. */
const MAP_CHUNK = /\/assets\/leaflet-map-[\w-]+\.js$/;

/** Every response of the web-client the page loads, from now on. */
function recordResponses(page: Page, origin: string): Response[] {
  const seen: Response[] = [];
  page.on('response', (response) => {
    if (response.url().startsWith(origin)) seen.push(response);
  });
  return seen;
}

/** Presses Tab until the focused element matches `selector` (at most `maxTabs` times). */
async function tabTo(page: Page, selector: string, maxTabs = 40): Promise<void> {
  for (let i = 0; i < maxTabs; i += 1) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(
    `${maxTabs} presses of Tab did not reach ${selector}; focus is on ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120))}`,
  );
}

/** Whether the focused element shows where the focus is (an outline that is drawn). */
const focusVisible = (page: Page) =>
  page.evaluate(() => {
    const style = getComputedStyle(document.activeElement as Element);
    return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  });

/** axe-core's serious and critical findings in the light and the dark colour scheme. */
async function axeInBothSchemes(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    found.push(...(await seriousAxeViolations(page)).map((v) => `${colorScheme}: ${v}`));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}

/**
 * The three apps as served, in headless Chromium against the whole system: what goes over the
 * wire (compressed, cacheable, no source maps, the map library only where a map shows), what
 * axe-core finds, and the console driven by keyboard alone.
 */
describeIfAvailable('in the browser: when the apps are opened as a customer, a dispatcher and a rider would', chromiumMissing(), () => {
  const namespace = testNamespace('web');
  let running: SystemWithMap;
  let system: RunningSystem;
  let adminToken: string;
  let browser: BrowserSession;
  let admin: OrdersClient;
  let deliveries: DeliveryClient;
  let onTheWay: { id: string; orderNumber: string; trackingToken: string };
  let riderToken: string;
  const riderId = `rider-${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    running = await startSystemWithMap({ amqpUrl, namespace, env: { orders: { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password } } });
    system = running.system;
    adminToken = await new TestTokens(system.jwtSecret).admin();
    admin = new OrdersClient(system.urls.orders, adminToken);
    deliveries = new DeliveryClient(system.urls.delivery, adminToken);
    expect((await deliveries.createRider({ id: riderId, name: 'Ada Byron' })).status).toBe(201);
    riderToken = (await deliveries.riderToken(riderId)).body.token;
    onTheWay = await orderOnTheWay();
    browser = await BrowserSession.start();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  async function newOrder() {
    const created = await new OrdersClient(system.urls.orders).createOrder(aNewOrder());
    expect(created.status).toBe(201);
    return { id: created.body.id, orderNumber: created.body.orderNumber, trackingToken: created.body.trackingToken as string };
  }

  /** Shipped, assigned, picked up and with a position: something on every map. */
  async function orderOnTheWay() {
    const shipped = await shipNewOrder(system.urls, adminToken);
    const order = { id: shipped.order.id, orderNumber: shipped.order.orderNumber, trackingToken: shipped.order.trackingToken, deliveryId: shipped.deliveryId };
    expect((await deliveries.assign(order.deliveryId, riderId)).status).toBe(200);
    const rider = await mqtt.connectAsync(system.urls.mqtt, { username: 'rider', password: riderToken, reconnectPeriod: 0 });
    await rider.publishAsync(topics.riderDeliveryStatus(riderId, order.deliveryId), JSON.stringify({ status: 'picked_up', at: new Date().toISOString() }), {
      qos: 1,
    });
    await rider.publishAsync(topics.riderLocation(riderId), JSON.stringify({ lat: HOME.lat + 0.004, lng: HOME.lng + 0.003, at: new Date().toISOString() }), {
      qos: 1,
    });
    await rider.endAsync();
    await waitFor(async () => (await admin.getOrder(order.id)).body.status === 'out_for_delivery', `${order.orderNumber} out for delivery`, 20_000);
    return order;
  }

  it('then bundles arrive brotli-compressed and cacheable for a year, no source map is referenced or served, and only a page with a map fetches the map library', async () => {
    const lookup = await browser.open(undefined, { phone: true });
    const lookupResponses = recordResponses(lookup.page, system.urls.web);
    await lookup.page.goto(`${system.urls.web}/track`);
    await lookup.page.locator(byTestId('lookup-form')).waitFor();
    await lookup.page.waitForLoadState('networkidle');
    const assets = lookupResponses.filter((r) => new URL(r.url()).pathname.startsWith('/assets/'));
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) {
      const headers = await asset.allHeaders();
      // Files under 1 KiB (the module-preload polyfill) are not worth compressing.
      const small = (await asset.body()).length < 1024;
      expect({ url: asset.url(), encoding: headers['content-encoding'], cache: headers['cache-control'], vary: headers.vary }).toEqual({
        url: asset.url(),
        encoding: small ? undefined : 'br',
        cache: 'public, max-age=31536000, immutable',
        vary: small ? undefined : 'Accept-Encoding',
      });
      expect(headers.sourcemap).toBeUndefined();
      if (asset.url().endsWith('.js')) expect(await asset.text()).not.toContain('sourceMappingURL');
    }
    expect(lookupResponses.some((r) => MAP_CHUNK.test(r.url()))).toBe(false);
    const map = await lookup.page.request.get(`${assets.find((a) => a.url().endsWith('.js'))!.url()}.map`);
    expect(map.status()).toBe(404);

    const customer = await browser.open(undefined, { phone: true });
    const customerResponses = recordResponses(customer.page, system.urls.web);
    await customer.page.goto(TrackPage.url(system.urls.web, onTheWay.id, onTheWay.trackingToken));
    await customer.page.locator(`${byTestId('delivery-map')}[data-state="ready"]`).waitFor({ timeout: 20_000 });
    const mapChunk = customerResponses.find((r) => MAP_CHUNK.test(r.url()));
    expect(mapChunk).toBeDefined();
    expect((await mapChunk!.allHeaders())['content-encoding']).toBe('br');
    expect(customer.errors).toEqual([]);
    expect(lookup.errors).toEqual([]);
  }, 60_000);

  it('then axe-core finds no serious or critical problem on the tracking page, the console and the rider app, with live data and maps, in light and dark', async () => {
    const lookup = await browser.open(`${system.urls.web}/track`, { phone: true });
    await lookup.page.locator(byTestId('lookup-form')).waitFor();
    expect(await axeInBothSchemes(lookup.page)).toEqual([]);

    const customer = await browser.open(TrackPage.url(system.urls.web, onTheWay.id, onTheWay.trackingToken), { phone: true });
    const track = new TrackPage(customer.page);
    await track.waitForStatus('Out for delivery');
    await track.waitForConnection('live');
    await customer.page.locator(`${byTestId('delivery-map')}[data-state="ready"]`).waitFor({ timeout: 20_000 });
    await customer.page
      .locator(`${byTestId('order-items')} li`)
      .first()
      .waitFor();
    expect(await axeInBothSchemes(customer.page)).toEqual([]);

    const consolePage = await browser.open(`${system.urls.web}/admin`);
    await consolePage.page.locator(byTestId('login-form')).waitFor();
    expect(await axeInBothSchemes(consolePage.page)).toEqual([]);
    const dispatcher = new AdminConsole(consolePage.page);
    await dispatcher.logIn(ADMIN.username, ADMIN.password);
    await dispatcher.openOrder(onTheWay.orderNumber);
    await dispatcher.waitForDeliveryStatus('Picked up');
    await consolePage.page.locator(`${byTestId('fleet-map')}[data-state="ready"]`).waitFor({ timeout: 20_000 });
    expect(await axeInBothSchemes(consolePage.page)).toEqual([]);
    copyScreenshotToDocs(await browser.screenshot(consolePage.page, 'admin-fleet-map'), 'admin');

    const phone = await browser.open(undefined, { phone: true });
    await phone.context.grantPermissions(['geolocation'], { origin: system.urls.web });
    await phone.context.setGeolocation({ latitude: HOME.lat + 0.004, longitude: HOME.lng + 0.003, accuracy: 8 });
    await phone.page.goto(`${system.urls.web}/rider?t=${encodeURIComponent(riderToken)}`);
    const rider = new RiderApp(phone.page);
    await rider.waitForDelivery(onTheWay.orderNumber, 'Picked up');
    await rider.waitForLocation('ok');
    await phone.page.locator(`${byTestId('rider-map')}[data-state="ready"]`).waitFor({ timeout: 20_000 });
    expect(await axeInBothSchemes(phone.page)).toEqual([]);
    // With reports waiting offline too.
    await phone.context.setOffline(true);
    await rider.waitForConnection('offline');
    await rider.reportOffline(onTheWay.orderNumber, 'On the way');
    await rider.waitForWaiting(1);
    expect(await axeInBothSchemes(phone.page)).toEqual([]);
    await phone.context.setOffline(false);
    await rider.waitForWaiting(0);

    for (const opened of [customer, consolePage, lookup]) expect(opened.errors).toEqual([]);
  }, 120_000);

  it('then the console can be used with the keyboard alone: sign in, open an order, ship it, assign a rider, close the order', async () => {
    const order = await newOrder();
    for (const status of ['confirmed', 'processing'] as const) expect((await admin.changeStatus(order.id, { status })).status).toBe(200);
    const { page, errors } = await browser.open(`${system.urls.web}/admin`);
    await page.locator('#admin-username:focus').waitFor();
    await page.keyboard.type(ADMIN.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(ADMIN.password);
    await page.keyboard.press('Enter');
    const dispatcher = new AdminConsole(page);
    await dispatcher.waitForRowStatus(order.orderNumber, 'Being prepared');

    await tabTo(page, `button[aria-label="Open order ${order.orderNumber}"]`);
    expect(await focusVisible(page)).toBe(true);
    await page.keyboard.press('Enter');
    await waitForText(page.locator('#panel-heading'), `Order ${order.orderNumber}`);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('panel-heading');

    await tabTo(page, '#next-status');
    expect(await focusVisible(page)).toBe(true);
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('#next-status').inputValue()).toBe('cancelled');
    await page.keyboard.press('ArrowUp');
    expect(await page.locator('#next-status').inputValue()).toBe('shipped');
    await tabTo(page, '#tracking-number', 3);
    await page.keyboard.type('TRK-KEYBOARD-1');
    await tabTo(page, '[data-testid="status-submit"]', 3);
    await page.keyboard.press('Enter');
    await waitForText(page.locator(byTestId('status-result')), /^Changed to “Shipped”/);
    await dispatcher.waitForDeliveryStatus('Waiting for a rider');

    await tabTo(page, '#assign-rider');
    await page.keyboard.type('Ada');
    expect(await page.locator('#assign-rider option:checked').textContent()).toBe('Ada Byron');
    await tabTo(page, '[data-testid="assign-submit"]', 3);
    await page.keyboard.press('Enter');
    await waitForText(page.locator(byTestId('assign-result')), 'Assigned to Ada Byron.');
    await dispatcher.waitForDeliveryStatus('Rider assigned');

    await page.locator('#panel-heading').focus();
    await tabTo(page, 'button[aria-label="Close the order"]', 3);
    await page.keyboard.press('Enter');
    await page.locator(byTestId('order-panel')).waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(`Open order ${order.orderNumber}`);
    expect(errors).toEqual([]);
  }, 60_000);
});
