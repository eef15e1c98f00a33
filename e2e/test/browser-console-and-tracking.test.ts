import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { greatCircleKm } from '@orderpulse/contracts';
import { deleteAmqpNamespace, testNamespace } from '@orderpulse/service-kit/testing';
import { describeIfAvailable } from '@orderpulse/service-kit/testing/suites';
import { AdminConsole, BrowserSession, chromiumMissing, copyScreenshotToDocs, RiderApp, TrackPage, waitForText, byTestId } from '../src/browser/index.js';
import { aNewOrder, OrdersClient, TestTokens, startSystem, type RunningSystem } from '../src/harness/index.js';

const amqpUrl = process.env.AMQP_URL as string;
const QUEUES = ['notifier', 'delivery-service.orders', 'orders-service.delivery'];
const ADMIN = { username: 'admin', password: 'browser-e2e-password' };
const ADDRESS = aNewOrder().deliveryAddress as { lat: number; lng: number };

/**
 * The three browser apps in headless Chromium against the whole system as real processes:
 * broker, orders, delivery, notifier and web-client, with RabbitMQ in between.
 */
describeIfAvailable('in the browser: when the admin console, the tracking page and the rider app are used together', chromiumMissing(), () => {
  const namespace = testNamespace('web');
  let system: RunningSystem;
  let browser: BrowserSession;
  let publicApi: OrdersClient;
  let adminApi: OrdersClient;
  let admin: AdminConsole;
  let adminErrors: string[];

  beforeAll(async () => {
    system = await startSystem({ amqpUrl, namespace, ports: 'free', env: { orders: { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password } } });
    publicApi = new OrdersClient(system.urls.orders);
    adminApi = new OrdersClient(system.urls.orders, await new TestTokens(system.jwtSecret).admin());
    browser = await BrowserSession.start();
    const opened = await browser.open(`${system.urls.web}/admin`);
    admin = new AdminConsole(opened.page);
    adminErrors = opened.errors;
    await admin.logIn(ADMIN.username, ADMIN.password);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    await deleteAmqpNamespace(amqpUrl, namespace, QUEUES);
  });

  async function newOrder() {
    const created = await publicApi.createOrder(aNewOrder());
    expect(created.status).toBe(201);
    const { trackingToken, ...order } = created.body;
    expect(typeof trackingToken).toBe('string');
    return { order, trackingToken: trackingToken as string };
  }

  it('then an order created meanwhile appears in the console, and a status change made there reaches the customer without a reload', async () => {
    const { order, trackingToken } = await newOrder();
    await admin.waitForRowStatus(order.orderNumber, 'Order placed');
    await admin.waitForFeedEntry(`New order ${order.orderNumber}`);

    const customer = await browser.open(TrackPage.url(system.urls.web, order.id, trackingToken), { phone: true });
    const track = new TrackPage(customer.page);
    await track.waitForStatus('Order placed');
    await track.waitForConnection('live');
    expect(new URL(customer.page.url()).search).toBe('');
    await customer.page.evaluate('window.__sameDocument = true');

    await admin.openOrder(order.orderNumber);
    expect(await admin.allowedNextStatuses()).toEqual(['Confirmed', 'Cancelled']);
    await admin.changeStatus('Confirmed', { note: 'Payment received' });

    await track.waitForStatus('Confirmed');
    await track.waitForTimelineEntry('order', 'confirmed');
    expect(await customer.page.evaluate('window.__sameDocument')).toBe(true);
    await admin.waitForRowStatus(order.orderNumber, 'Confirmed');
    await admin.waitForFeedEntry(`${order.orderNumber}: Order placed → Confirmed`);
    expect(await admin.allowedNextStatuses()).toEqual(['Being prepared', 'Cancelled']);

    await browser.screenshot(customer.page, 'track-confirmed');
    await browser.screenshot(admin.page, 'admin-status-changed');
    expect(customer.errors).toEqual([]);
    expect(adminErrors).toEqual([]);
  }, 60_000);

  it('then a rider signed in from the console link reports picked up and in transit, and the customer sees the rider, the position and the timeline', async () => {
    const { order, trackingToken } = await newOrder();
    for (const status of ['confirmed', 'processing'] as const) expect((await adminApi.changeStatus(order.id, { status })).status).toBe(200);
    const customer = await browser.open(TrackPage.url(system.urls.web, order.id, trackingToken), { phone: true });
    const track = new TrackPage(customer.page);
    await track.waitForStatus('Being prepared');

    await admin.openOrder(order.orderNumber);
    await admin.changeStatus('Shipped', { trackingNumber: 'TRK-E2E-0001' });
    await track.waitForStatus('Shipped');
    await waitForText(customer.page.locator(byTestId('tracking-number')), 'TRK-E2E-0001');

    const riderName = `Rosa Parks ${order.orderNumber.slice(3, 7)}`;
    await admin.addRider(riderName);
    const link = await admin.riderLink(riderName);
    expect(link).toMatch(new RegExp(`^${system.urls.web}/rider\\?t=`));
    await admin.waitForDeliveryStatus('Waiting for a rider');
    await admin.assignRider(riderName);
    await admin.waitForDeliveryStatus('Rider assigned');
    await track.waitForRider(riderName);
    await track.waitForTimelineEntry('delivery', 'assigned');

    const riderPage = await browser.open(link, { phone: true });
    const rider = new RiderApp(riderPage.page);
    await rider.waitForDelivery(order.orderNumber, 'Rider assigned');
    expect(new URL(riderPage.page.url()).search).toBe('');

    await rider.report(order.orderNumber, 'Picked up');
    await rider.waitForDelivery(order.orderNumber, 'Picked up');
    await rider.startRide(order.orderNumber);
    await rider.report(order.orderNumber, 'On the way');
    await rider.waitForDelivery(order.orderNumber, 'On the way');

    await track.waitForDeliveryStatus('On the way');
    await track.waitForStatus('Out for delivery');
    expect(await track.waitForTimelineEntry('delivery', 'picked_up')).toContain(`Picked up by ${riderName}`);
    expect(await track.waitForTimelineEntry('delivery', 'in_transit')).toContain(`${riderName} is on the way`);
    const position = await track.waitForPosition();
    expect(greatCircleKm(position, ADDRESS)).toBeLessThan(2);
    expect(position.description).toMatch(/^The rider is .+ of the delivery address\.$/);
    await waitForText(customer.page.locator(byTestId('position-age')), /^Position updated (just now|\d+ s ago)$/);
    await waitForText(customer.page.locator(byTestId('eta')), /^(about \d+ min|under a minute) \(around .+\), .+ away$/);
    await admin.waitForDeliveryStatus('On the way');

    // This system has no MAP_TILE_URL: the tracking page draws its offline plot.
    copyScreenshotToDocs(await browser.screenshot(customer.page, 'track-rider-on-the-way'), 'track-plot');
    await browser.screenshot(riderPage.page, 'rider-in-transit');
    await browser.screenshot(admin.page, 'admin-delivery-assigned');
    expect(customer.errors).toEqual([]);
    expect(riderPage.errors).toEqual([]);
    expect(adminErrors).toEqual([]);
  }, 90_000);

  it("then a tracking page opened with another order's token shows an access error and none of the order's data", async () => {
    const { order } = await newOrder();
    const { trackingToken: otherToken } = await newOrder();
    const customer = await browser.open(undefined, { phone: true });
    const refused = customer.page.waitForResponse((r) => r.url().endsWith(`/orders/${order.id}`) && r.request().method() === 'GET', { timeout: 20_000 });
    await customer.page.goto(TrackPage.url(system.urls.web, order.id, otherToken));
    expect((await refused).status()).toBe(403);
    const track = new TrackPage(customer.page);
    await customer.page.locator(byTestId('access-error')).waitFor({ timeout: 20_000 });
    expect(await track.text('access-error')).toContain('does not give access to this order');
    await track.waitForConnection('offline');
    expect(await customer.page.locator(byTestId('order-number')).count()).toBe(0);
    expect(await customer.page.content()).not.toContain(order.orderNumber);
    await browser.screenshot(customer.page, 'track-access-error');
  }, 60_000);
});
