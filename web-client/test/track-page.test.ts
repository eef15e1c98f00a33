import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from '@jest/globals';
import mqtt, { type MqttClient } from 'mqtt';
import { describeIfAvailable } from '@orderpulse/service-kit/testing/suites';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { greatCircleKm, topics, type LatLng, type OrderLocationMessage, type OrderStatusMessage, type OrderTrackingMessage } from '@orderpulse/contracts';
import { formatDistance } from '../src/apps/shared/relative-time.js';
import type { StartedWebClient } from '../src/server/index.js';
import { chromiumMissing, launchChromium, textOf, waitForValue } from './support/browser.js';
import { aLocation, aSnapshot, aStatusMessage, aTrackingMessage } from './support/factories.js';
import { startWsBroker, type StartedWsBroker } from './support/mqtt-ws-broker.js';
import { startStubOrdersApi, type StubOrdersApi } from './support/stub-orders-api.js';
import { startTestWebClient } from './support/web-client.js';

const ARTIFACTS = resolve(__dirname, '../test-artifacts');
describeIfAvailable('tracking page in headless Chromium (in-process broker, stub orders API)', chromiumMissing(), () => {
  let broker: StartedWsBroker;
  let api: StubOrdersApi;
  let web: StartedWebClient;
  let publisher: MqttClient;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let consoleErrors: string[] = [];

  beforeAll(async () => {
    broker = await startWsBroker();
    api = await startStubOrdersApi();
    web = await startTestWebClient({ MQTT_WS_URL: broker.url, ORDERS_URL: api.url });
    publisher = await mqtt.connectAsync(broker.url, { clientId: `test-publisher-${randomUUID()}`, reconnectPeriod: 100 });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterEach(() => {
    expect(consoleErrors).toEqual([]);
    consoleErrors = [];
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await publisher?.endAsync();
    await web?.close();
    await api?.close();
    await broker?.close();
  });

  const publish = (topic: string, message: OrderStatusMessage | OrderTrackingMessage | OrderLocationMessage) =>
    publisher.publishAsync(topic, JSON.stringify(message), { qos: 1, retain: true });
  const publishStatus = (message: OrderStatusMessage) => publish(topics.orderStatus(message.orderId), message);

  /** An order the stub API serves to `token`, at version 1 (pending). */
  function anOrder(token: string, orderNumber = 'OP-4TRACK01') {
    const snapshot = aSnapshot({ orderNumber, status: 'pending', version: 1, history: [{ status: 'pending', at: '2026-11-26T10:00:00.000Z' }] });
    api.put(snapshot, token);
    return snapshot;
  }

  it('when a retained status exists, then the page shows it live, newer versions replace it without a reload and older ones are ignored', async () => {
    const order = anOrder('customer-token-1');
    await publishStatus(aStatusMessage({ orderId: order.id, orderNumber: 'OP-4TRACK01', status: 'confirmed', version: 2 }));

    await page.goto(`${web.url}/track/${order.id}?t=customer-token-1`);
    await waitForValue(page, 'order-status', 'Confirmed');
    await waitForValue(page, 'connection-state', 'live', { attribute: 'data-state' });
    expect(await textOf(page, 'order-number')).toBe('OP-4TRACK01');
    expect(await page.locator('[data-testid="order-status"]').getAttribute('data-version')).toBe('2');
    await page.locator('[data-testid="timeline"] li[data-status="pending"]').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="timeline"] li[data-status="confirmed"]').waitFor({ timeout: 10_000 });

    // The token went to the broker and the API, and left the address bar for sessionStorage.
    expect(broker.connections.filter((c) => c.clientId.startsWith('track-'))).toEqual([
      expect.objectContaining({ username: 'customer', password: 'customer-token-1' }),
    ]);
    expect(api.requests).toContainEqual({ method: 'GET', path: `/orders/${order.id}`, authorization: 'Bearer customer-token-1' });
    expect(new URL(page.url()).search).toBe('');
    expect(await page.evaluate((id) => sessionStorage.getItem(`orderpulse:track-token:${id}`), order.id)).toBe('customer-token-1');

    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    await publishStatus(
      aStatusMessage({
        orderId: order.id,
        orderNumber: 'OP-4TRACK01',
        status: 'shipped',
        trackingNumber: 'TRK-123456',
        version: 3,
        updatedAt: '2026-11-26T11:00:00.000Z',
      }),
    );
    await waitForValue(page, 'order-status', '3', { attribute: 'data-version' });
    expect(await textOf(page, 'order-status')).toBe('Shipped');
    expect(await textOf(page, 'tracking-number')).toBe('TRK-123456');
    expect(await page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).toBe(true);

    const staleNoticed = page.waitForEvent('console', {
      predicate: (m) => m.text().includes('ignored stale message') && m.text().includes('version 1,'),
      timeout: 10_000,
    });
    await publishStatus(aStatusMessage({ orderId: order.id, orderNumber: 'OP-4TRACK01', status: 'pending', version: 1 }));
    await staleNoticed;
    expect(await page.locator('[data-testid="order-status"]').getAttribute('data-version')).toBe('3');
    expect(await textOf(page, 'order-status')).toBe('Shipped');
  });

  it('when a delivery is under way, then the rider, the position plot, one distance in the ETA and in words, the items, the address and the timeline show', async () => {
    const order = anOrder('customer-token-3');
    const positionAt = new Date(Date.now() - 5_000).toISOString();
    const eta = { at: new Date(Date.now() + 7 * 60_000).toISOString(), minutes: 7, distanceKm: 1.1, basedOnPositionAt: positionAt };
    await publishStatus(aStatusMessage({ orderId: order.id, orderNumber: 'OP-4TRACK01', status: 'out_for_delivery', version: 5 }));
    await publish(
      topics.orderTracking(order.id),
      aTrackingMessage({
        orderId: order.id,
        status: 'in_transit',
        history: [
          { status: 'awaiting_assignment', at: '2026-11-26T11:00:00.000Z' },
          { status: 'assigned', at: '2026-11-26T11:01:00.000Z' },
          { status: 'picked_up', at: '2026-11-26T11:05:00.000Z' },
          { status: 'in_transit', at: '2026-11-26T11:06:00.000Z' },
        ],
        eta,
        version: 6,
      }),
    );
    await publish(topics.orderLocation(order.id), aLocation({ lat: 51.4555, lng: -2.5879, heading: 200, at: positionAt, eta, version: 7 }));

    await page.goto(`${web.url}/track/${order.id}?t=customer-token-3`);
    await waitForValue(page, 'rider-name', 'Rosa Parks');
    await waitForValue(page, 'delivery-status', 'On the way');
    await page.locator('[data-testid="rider-position"] svg circle').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid="rider-position"]').getAttribute('data-lat')).toBe('51.4555');
    // One distance, great-circle from the newest position, wherever the page names it (the
    // ETA's own 1.1 km was computed from an older position).
    const distance = formatDistance(greatCircleKm({ lat: 51.4555, lng: -2.5879 }, order.deliveryAddress as LatLng));
    expect(distance).toMatch(/^\d+ m$/);
    expect(await textOf(page, 'eta')).toMatch(new RegExp(`^about 7 min \\(around .+\\), ${distance} away$`));
    expect(await textOf(page, 'rider-whereabouts')).toBe(`The rider is ${distance} north-east of the delivery address.`);
    expect(await page.locator('[data-testid="rider-position"] svg').getAttribute('aria-label')).toBe(
      `The rider is ${distance} north-east of the delivery address.`,
    );
    expect(await page.locator('[data-testid="order-items"] li').allTextContents()).toEqual(['1 × Enamel mug12.00']);
    expect(await textOf(page, 'order-total')).toBe('Total 12.00');
    expect(await page.locator('[data-testid="delivery-address"]').innerText()).toBe('12 Harbour Road\nBS1 5TY Bristol');
    expect(await page.locator('main').innerText()).not.toContain(order.id);
    await page.locator('[data-testid="position-age"]', { hasText: /Position updated \d+ s ago/ }).waitFor({ timeout: 10_000 });
    const firstAge = await textOf(page, 'position-age');
    await page.waitForFunction((before) => document.querySelector('[data-testid="position-age"]')?.textContent !== before, firstAge, { timeout: 10_000 });
    const titles = await page.locator('[data-testid="timeline"] li .timeline-title').allTextContents();
    expect(titles.slice(0, 3)).toEqual(['Rosa Parks is on the way', 'Picked up by Rosa Parks', 'Rider assigned: Rosa Parks']);
    await page.screenshot({ path: resolve(ARTIFACTS, 'track-page-phone.png'), fullPage: true });
  });

  it('when the broker drops the page, then it polls the API meanwhile and goes back to live', async () => {
    const order = anOrder('customer-token-2');
    await publishStatus(aStatusMessage({ orderId: order.id, status: 'processing', version: 4 }));
    await page.goto(`${web.url}/track/${order.id}?t=customer-token-2`);
    await waitForValue(page, 'order-status', '4', { attribute: 'data-version' });
    await waitForValue(page, 'connection-state', 'live', { attribute: 'data-state' });
    const gets = () => api.requests.filter((r) => r.path === `/orders/${order.id}`).length;
    const before = gets();

    const polled = page.waitForRequest((r) => r.url().endsWith(`/orders/${order.id}`), { timeout: 10_000 });
    expect(broker.dropClients('track-')).toBe(1);
    await waitForValue(page, 'connection-state', 'polling', { attribute: 'data-state' });
    await polled;
    await waitForValue(page, 'connection-state', 'live', { attribute: 'data-state' });
    expect(gets()).toBeGreaterThan(before);

    // A reload has no ?t= any more; the token comes from sessionStorage.
    await page.reload();
    await waitForValue(page, 'order-status', '4', { attribute: 'data-version' });
    expect(broker.connections.filter((c) => c.password === 'customer-token-2').length).toBeGreaterThanOrEqual(3);
  });

  it('when the token is not for this order, then the page shows an access error and no order data', async () => {
    const order = anOrder('the-right-token');
    await publishStatus(aStatusMessage({ orderId: order.id, orderNumber: 'OP-4TRACK01', status: 'confirmed', version: 2 }));
    await page.goto(`${web.url}/track/${order.id}?t=someone-elses-token`);
    await page.locator('[data-testid="access-error"]').waitFor({ timeout: 10_000 });
    expect(await textOf(page, 'access-error')).toContain('does not give access to this order');
    expect(await page.locator('[data-testid="order-number"]').count()).toBe(0);
    await waitForValue(page, 'connection-state', 'offline', { attribute: 'data-state' });
    // Chrome logs the refused request itself.
    consoleErrors = consoleErrors.filter((e) => !e.includes('403'));
  });

  it('when the customer allowed notifications and the tab is hidden, then a status change raises one (and the first status does not)', async () => {
    const order = anOrder('notify-token', 'OP-N0T1FY01');
    await publishStatus(aStatusMessage({ orderId: order.id, orderNumber: 'OP-N0T1FY01', status: 'confirmed', version: 2 }));
    const hidden = await browser.newContext({ viewport: { width: 390, height: 844 } });
    try {
      await hidden.addInitScript(() => {
        // A background tab, and a Notification API that records instead of showing.
        Object.defineProperty(document, 'visibilityState', { get: () => 'hidden' });
        const shown: Array<{ title: string; body?: string | undefined }> = [];
        class RecordingNotification {
          static permission: NotificationPermission = 'default';
          static requestPermission = async () => (RecordingNotification.permission = 'granted');
          constructor(title: string, options?: NotificationOptions) {
            shown.push({ title, body: options?.body });
          }
        }
        Object.assign(window, { Notification: RecordingNotification, shownNotifications: shown });
      });
      const tab = await hidden.newPage();
      await tab.goto(`${web.url}/track/${order.id}?t=notify-token`);
      await waitForValue(tab, 'order-status', 'Confirmed');
      await tab.getByRole('button', { name: 'Notify me when the status changes' }).click();
      await tab.locator('[data-testid="notify-state"]', { hasText: 'You will get a notification' }).waitFor({ timeout: 10_000 });
      expect(await tab.getByRole('button', { name: 'Notify me when the status changes' }).isHidden()).toBe(true);

      await publishStatus(aStatusMessage({ orderId: order.id, orderNumber: 'OP-N0T1FY01', status: 'processing', version: 3 }));
      await waitForValue(tab, 'order-status', 'Being prepared');
      const shown = await tab.evaluate(() => (window as unknown as { shownNotifications: unknown[] }).shownNotifications);
      expect(shown).toEqual([{ title: 'OP-N0T1FY01: Being prepared', body: 'Your order is now “Being prepared”.' }]);

      // The rider near the address (delivery.arriving): one notification, not one per later message.
      const onTheWay = aTrackingMessage({ orderId: order.id, status: 'in_transit', version: 5 });
      await publish(topics.orderTracking(order.id), { ...onTheWay, arrivingAt: '2026-11-26T11:20:00.000Z', version: 6 });
      await waitForValue(tab, 'delivery-status', 'Arriving');
      await publish(topics.orderTracking(order.id), {
        ...onTheWay,
        rider: { id: 'rider-2', name: 'Ann Other' },
        arrivingAt: '2026-11-26T11:20:00.000Z',
        version: 7,
      });
      await waitForValue(tab, 'rider-name', 'Ann Other');
      const afterArrival = await tab.evaluate(() => (window as unknown as { shownNotifications: unknown[] }).shownNotifications);
      expect(afterArrival.slice(1)).toEqual([{ title: 'OP-N0T1FY01: arriving', body: 'Your rider is almost there: they are close to your address.' }]);
    } finally {
      await hidden.close();
    }
  });

  it('when /track is opened without an order, then the lookup by order number and e-mail opens the order without a token in the URL', async () => {
    const order = anOrder('looked-up-token', 'OP-L00KUP01');
    await page.goto(`${web.url}/track`);
    await page.locator('[data-testid="lookup-form"]').waitFor({ timeout: 10_000 });
    await page.getByLabel('Order number').fill('op-l00kup01');
    await page.getByLabel('E-mail address used for the order').fill('nobody@example.com');
    await page.getByRole('button', { name: 'Track' }).click();
    await waitForValue(page, 'lookup-error', 'No order matches that order number and e-mail address. Check both and try again.');
    consoleErrors = consoleErrors.filter((e) => !e.includes('404'));
    await page.screenshot({ path: resolve(ARTIFACTS, 'track-lookup-phone.png'), fullPage: true });

    await page.getByLabel('E-mail address used for the order').fill(order.customer.email);
    await Promise.all([page.waitForURL(`${web.url}/track/${order.id}`, { timeout: 10_000 }), page.getByRole('button', { name: 'Track' }).click()]);
    await waitForValue(page, 'order-status', 'Order placed');
    expect(api.requests).toContainEqual({ method: 'GET', path: `/orders/${order.id}`, authorization: 'Bearer looked-up-token' });
  });
});
