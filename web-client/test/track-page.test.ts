import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { topics, type OrderStatusMessage } from '@orderpulse/contracts';
import type { StartedWebClient } from '../src/server/index.js';
import { chromiumSkipReason, launchChromium, textOf, waitForValue } from './support/browser.js';
import { aStatusMessage } from './support/factories.js';
import { startWsBroker, type StartedWsBroker } from './support/mqtt-ws-broker.js';
import { startTestWebClient } from './support/web-client.js';

const ARTIFACTS = resolve(__dirname, '../test-artifacts');
const skipReason = chromiumSkipReason();
if (skipReason) console.warn(`[web-client] skipping the browser tests: ${skipReason}`);
const describeInBrowser = skipReason ? describe.skip : describe;

describeInBrowser('tracking page in headless Chromium', () => {
  let broker: StartedWsBroker;
  let web: StartedWebClient;
  let publisher: MqttClient;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    broker = await startWsBroker();
    web = await startTestWebClient({ MQTT_WS_URL: broker.url });
    publisher = await mqtt.connectAsync(broker.url, { clientId: `test-publisher-${randomUUID()}`, reconnectPeriod: 100 });
    browser = await launchChromium();
  });

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
  });

  afterEach(() => {
    expect(consoleErrors).toEqual([]);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await publisher?.endAsync();
    await web?.close();
    await broker?.close();
  });

  const publishStatus = (message: OrderStatusMessage) =>
    publisher.publishAsync(topics.orderStatus(message.orderId), JSON.stringify(message), { qos: 1, retain: true });

  it('when a retained status exists, then the page shows it live and newer versions replace it without a reload', async () => {
    const orderId = randomUUID();
    await publishStatus(aStatusMessage({ orderId, orderNumber: 'OP-4TRACK01', status: 'confirmed', version: 2 }));

    await page.goto(`${web.url}/track/${orderId}?t=customer-token-1`);
    await waitForValue(page, 'order-status', 'Confirmed');
    await waitForValue(page, 'connection-state', 'live', { attribute: 'data-state' });
    expect(await textOf(page, 'connection-state')).toBe('live');
    expect(await textOf(page, 'order-number')).toBe('OP-4TRACK01');
    expect(await textOf(page, 'order-version')).toBe('2');

    // The token went to the broker as the password and left the address bar for sessionStorage.
    expect(broker.connections.filter((c) => c.clientId.startsWith('track-'))).toEqual([
      expect.objectContaining({ username: 'customer', password: 'customer-token-1' }),
    ]);
    expect(new URL(page.url()).search).toBe('');
    expect(await page.evaluate((id) => sessionStorage.getItem(`orderpulse:track-token:${id}`), orderId)).toBe('customer-token-1');

    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    await publishStatus(
      aStatusMessage({ orderId, orderNumber: 'OP-4TRACK01', status: 'shipped', trackingNumber: 'TRK-123456', version: 3, updatedAt: '2026-11-26T11:00:00.000Z' }),
    );
    await waitForValue(page, 'order-version', '3');
    expect(await textOf(page, 'order-status')).toBe('Shipped');
    expect(await textOf(page, 'tracking-number')).toBe('TRK-123456');
    expect(await page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).toBe(true);

    // An older version arrives late: the page says so in the console and keeps showing version 3.
    const staleNoticed = page.waitForEvent('console', {
      predicate: (m) => m.text().includes('ignored stale message') && m.text().includes('version 1,'),
      timeout: 10_000,
    });
    await publishStatus(aStatusMessage({ orderId, orderNumber: 'OP-4TRACK01', status: 'pending', version: 1 }));
    await staleNoticed;
    expect(await textOf(page, 'order-version')).toBe('3');
    expect(await textOf(page, 'order-status')).toBe('Shipped');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: resolve(ARTIFACTS, 'track-page-phone.png'), fullPage: true });
  });

  it('when the connection drops, then the indicator shows reconnecting and the page recovers with the stored token', async () => {
    const orderId = randomUUID();
    await publishStatus(aStatusMessage({ orderId, status: 'processing', version: 4 }));
    await page.goto(`${web.url}/track/${orderId}?t=customer-token-2`);
    await waitForValue(page, 'order-version', '4');
    await waitForValue(page, 'connection-state', 'live', { attribute: 'data-state' });

    expect(broker.dropClients('track-')).toBe(1);
    await waitForValue(page, 'connection-state', 'reconnecting', { attribute: 'data-state' });
    await waitForValue(page, 'connection-state', 'live', { attribute: 'data-state' });
    await publishStatus(aStatusMessage({ orderId, status: 'shipped', version: 5 }));
    await waitForValue(page, 'order-version', '5');
    expect(await textOf(page, 'order-status')).toBe('Shipped');

    // A reload has no ?t= any more; the token comes from sessionStorage.
    await page.reload();
    await waitForValue(page, 'order-version', '5');
    const attempts = broker.connections.filter((c) => c.password === 'customer-token-2');
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    expect(attempts.every((c) => c.username === 'customer')).toBe(true);
  });

  it('when /track is opened without an order, then a lookup form leads to the order page', async () => {
    await page.goto(`${web.url}/track`);
    await page.locator('[data-testid="lookup-form"]').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: resolve(ARTIFACTS, 'track-lookup-phone.png'), fullPage: true });
    const orderId = randomUUID();
    await page.fill('#order-id', orderId);
    await Promise.all([page.waitForURL(`${web.url}/track/${orderId}`, { timeout: 10_000 }), page.click('button[type="submit"]')]);
    await page.locator('[data-testid="order-status"]').waitFor({ timeout: 10_000 });
  });
});
