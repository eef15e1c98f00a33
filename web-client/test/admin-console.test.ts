import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { describeIfAvailable } from '@orderpulse/service-kit/testing/suites';
import type { Browser, Page } from 'playwright-core';
import type { StartedWebClient } from '../src/server/index.js';
import { chromiumMissing, launchChromium, waitForValue } from './support/browser.js';
import { aSnapshot } from './support/factories.js';
import { startWsBroker, type StartedWsBroker } from './support/mqtt-ws-broker.js';
import { STUB_ADMIN, startStubOrdersApi, type StubOrdersApi } from './support/stub-orders-api.js';
import { startTestWebClient } from './support/web-client.js';

/** The console's sign-in and error display against stubs; e2e/ drives it against the real services. */
describeIfAvailable('admin console in headless Chromium (in-process broker, stub API)', chromiumMissing(), () => {
  let broker: StartedWsBroker;
  let api: StubOrdersApi;
  let web: StartedWebClient;
  let browser: Browser;
  let page: Page;
  const order = aSnapshot({ orderNumber: 'OP-ADM1N001', status: 'shipped', version: 4 });

  beforeAll(async () => {
    broker = await startWsBroker();
    api = await startStubOrdersApi();
    api.put(order, 'customer-token');
    web = await startTestWebClient({ MQTT_WS_URL: broker.url, ORDERS_URL: api.url, DELIVERY_URL: api.url });
    browser = await launchChromium();
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await api?.close();
    await broker?.close();
  });

  it('when the password is wrong, then it says so; when right, then the token is kept in sessionStorage and never in the URL', async () => {
    await page.goto(`${web.url}/admin`);
    await page.getByLabel('Username').fill(STUB_ADMIN.username);
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitForValue(page, 'login-error', 'Wrong username or password.');

    await page.getByLabel('Password').fill(STUB_ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('tr[data-order-number="OP-ADM1N001"]').waitFor({ timeout: 10_000 });
    expect(page.url()).toBe(`${web.url}/admin`);
    expect(await page.evaluate(() => sessionStorage.getItem('orderpulse:admin-session'))).toContain(STUB_ADMIN.token);
    expect(broker.connections.filter((c) => c.clientId.startsWith('admin-'))).toEqual([
      expect.objectContaining({ username: 'admin', password: STUB_ADMIN.token }),
    ]);
    await waitForValue(page, 'connection-state', 'live', { attribute: 'data-state' });

    // A reload keeps the session.
    await page.reload();
    await page.locator('tr[data-order-number="OP-ADM1N001"]').waitFor({ timeout: 10_000 });
  });

  it('when a status change is refused with 409, then the console explains the refused transition and lists the allowed ones', async () => {
    await page.getByRole('button', { name: 'Open order OP-ADM1N001' }).click();
    expect(await page.getByLabel('New status').locator('option').allTextContents()).toEqual(['Out for delivery']);
    api.refuseNextChange({ from: 'out_for_delivery', to: 'out_for_delivery', allowed: ['delivered'] });
    await page.locator('[data-testid="status-submit"]').click();
    await waitForValue(page, 'status-error', 'Refused: the status cannot change from “Out for delivery” to “Out for delivery”. Allowed next: Delivered.');
  });

  it('when searching and filtering, then only matching orders are listed', async () => {
    await page.getByLabel('Search by order number').fill('nomatch');
    await waitForValue(page, 'orders-count', '0 of 1 orders shown');
    await page.getByLabel('Search by order number').fill('adm1n');
    await waitForValue(page, 'orders-count', '1 of 1 orders shown');
    await page.getByLabel('Filter by status').selectOption({ label: 'Delivered' });
    await waitForValue(page, 'orders-count', '0 of 1 orders shown');
    await page.getByLabel('Filter by status').selectOption({ label: 'Shipped' });
    await waitForValue(page, 'orders-count', '1 of 1 orders shown');
  });

  it("when the broker closes the console's connection (as one does once its Redis subscription is back), then the console reconnects and reloads its table: an order whose feed line it never got is listed", async () => {
    const missed = aSnapshot({ orderNumber: 'OP-M1SSED01', status: 'pending', version: 1 });
    api.put(missed, 'customer-token-2');
    await page.getByLabel('Search by order number').fill('');
    await page.getByLabel('Filter by status').selectOption({ label: 'All statuses' });
    await waitForValue(page, 'orders-count', '1 of 1 orders shown');

    expect(broker.dropClients('admin-')).toBe(1);
    await page.locator('tr[data-order-number="OP-M1SSED01"]').waitFor({ timeout: 10_000 });
    await waitForValue(page, 'orders-count', '2 of 2 orders shown');
    await waitForValue(page, 'connection-state', 'live', { attribute: 'data-state' });
  });

  it('when signing out, then the session is gone and the sign-in form is back', async () => {
    await page.locator('[data-testid="sign-out"]').click();
    await page.locator('[data-testid="login-form"]').waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => sessionStorage.getItem('orderpulse:admin-session'))).toBeNull();
  });
});
