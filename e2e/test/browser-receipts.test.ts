import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { deleteAmqpNamespace, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { describeIfAvailable } from '@orderpulse/service-kit/testing/suites';
import type { Locator } from 'playwright-core';
import { AdminConsole, BrowserSession, chromiumMissing, copyScreenshotToDocs, TrackPage, waitForText } from '../src/browser/index.js';
import { topics } from '@orderpulse/contracts';
import { aNewOrder, DeliveryClient, MqttRecorder, OrdersClient, shipNewOrder, startSystem, TestTokens, type RunningSystem } from '../src/harness/index.js';

const amqpUrl = process.env.AMQP_URL as string;
const QUEUES = ['notifier', 'delivery-service.orders', 'orders-service.delivery'];
const ADMIN = { username: 'admin', password: 'browser-e2e-password' };
const HOPS = ['written', 'confirmed', 'broker', 'device'] as const;

/**
 * Issue 17 point 1 through the real processes (broker, orders, delivery, notifier, web-client,
 * RabbitMQ): the console's per-hop receipts of a status change, with a customer's tracking page
 * watching (its QoS 1 PUBACK seen by the broker) and with nobody watching.
 */
describeIfAvailable('in the browser: per-hop receipts of a status change in the admin console', chromiumMissing(), () => {
  const namespace = testNamespace('receipts');
  let system: RunningSystem;
  let browser: BrowserSession;
  let publicApi: OrdersClient;
  let admin: AdminConsole;
  let adminErrors: string[];

  beforeAll(async () => {
    system = await startSystem({ amqpUrl, namespace, ports: 'free', env: { orders: { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password } } });
    publicApi = new OrdersClient(system.urls.orders);
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
    return { order, trackingToken: trackingToken as string };
  }

  const statusRow = (version: number, kind = 'status'): Locator =>
    admin.page.locator(`[data-testid="receipt-row"][data-kind="${kind}"][data-version="${version}"]`);

  /** The times shown in the row's cells, once every hop named has one. */
  async function timesOf(row: Locator, hops: readonly (typeof HOPS)[number][]): Promise<number[]> {
    return waitFor(
      async () => {
        const times = await Promise.all(
          hops.map((hop) =>
            row
              .locator(`td[data-hop="${hop}"]`)
              .getAttribute('data-at', { timeout: 1_000 })
              .catch(() => null),
          ),
        );
        return times.every((t) => t !== null) ? times.map(Number) : undefined;
      },
      `the times of ${hops.join(', ')}`,
      20_000,
      100,
    );
  }

  it('when a customer page watches the order, then the status change shows written, confirmed, broker accepted and device acknowledged, each after what it follows, with the gaps', async () => {
    const { order, trackingToken } = await newOrder();
    await admin.waitForRowStatus(order.orderNumber, 'Order placed');
    const customer = await browser.open(TrackPage.url(system.urls.web, order.id, trackingToken), { phone: true });
    const track = new TrackPage(customer.page);
    await track.waitForStatus('Order placed');
    await track.waitForConnection('live');

    await admin.openOrder(order.orderNumber);
    await admin.changeStatus('Confirmed');
    await track.waitForStatus('Confirmed');

    const row = statusRow(2);
    const [written, confirmed, broker, device] = await timesOf(row, HOPS);
    // RabbitMQ may confirm after it delivered to the notifier (it confirms once on disk): the confirm and the broker's hop both follow the write.
    expect(written).toBeLessThanOrEqual(confirmed!);
    expect(written).toBeLessThanOrEqual(broker!);
    // The broker hands the message to subscribers before it PUBACKs the notifier, so the page's receipt may come first.
    expect(written).toBeLessThanOrEqual(device!);
    expect(device! - written!).toBeLessThan(10_000);
    await waitForText(row.locator('td[data-hop="device"]'), /^\d\d:\d\d:\d\d\.\d{3} \+\d+ ms$/);
    // The p50/p99 panel has counted the hops it saw.
    await waitForText(admin.page.locator('[data-testid="hop-stats"] dd[data-hop="broker→device"]'), /^p50 \d+ ms · p99 \d+ ms \(\d+\)$/);

    copyScreenshotToDocs(await browser.screenshot(admin.page, 'admin-receipts'), 'admin-receipts');
    expect(customer.errors).toEqual([]);
    expect(adminErrors).toEqual([]);
    await customer.page.close();
  }, 90_000);

  it('when no customer page is open, then the status change says no customer device is watching', async () => {
    const { order } = await newOrder();
    await admin.waitForRowStatus(order.orderNumber, 'Order placed');
    await admin.openOrder(order.orderNumber);
    await admin.changeStatus('Confirmed');

    const row = statusRow(2);
    await waitForText(row.locator('td[data-hop="device"]'), 'no customer device is watching');
    const [written, confirmed, broker] = await timesOf(row, ['written', 'confirmed', 'broker']);
    expect(written).toBeLessThanOrEqual(confirmed!);
    expect(written).toBeLessThanOrEqual(broker!);
    expect(await row.locator('td[data-hop="device"]').getAttribute('data-at')).toBeNull();
    expect(adminErrors).toEqual([]);
  }, 60_000);

  it("when a rider reports picked up while the customer's page watches, then the rider report shows all four times too", async () => {
    const adminToken = await new TestTokens(system.jwtSecret).admin();
    const deliveries = new DeliveryClient(system.urls.delivery, adminToken);
    const { order, deliveryId } = await shipNewOrder(system.urls, adminToken);
    const created = await deliveries.createRider({ name: `Ada Receipts ${order.orderNumber.slice(3, 7)}` });
    expect((await deliveries.assign(deliveryId, created.body.id)).status).toBe(200);
    const customer = await browser.open(TrackPage.url(system.urls.web, order.id, order.trackingToken), { phone: true });
    const track = new TrackPage(customer.page);
    await track.waitForDeliveryStatus('Rider assigned');
    await track.waitForConnection('live');
    await admin.waitForRowStatus(order.orderNumber, 'Shipped');
    await admin.openOrder(order.orderNumber);

    const rider = await MqttRecorder.connect(system.urls.mqtt, [], {
      clientId: `rider-${order.id}`,
      username: 'rider',
      password: (await deliveries.riderToken(created.body.id)).body.token,
    });
    try {
      const at = new Date().toISOString();
      await rider.client.publishAsync(
        topics.riderDeliveryStatus(created.body.id, deliveryId),
        JSON.stringify({ status: 'picked_up', at, lat: 51.461, lng: -2.579 }),
        { qos: 1 },
      );
      await track.waitForDeliveryStatus('Picked up');
      const version = (await deliveries.getDelivery(deliveryId)).body.version as number;
      const [written, confirmed, broker, device] = await timesOf(statusRow(version, 'tracking'), HOPS);
      expect(written).toBeLessThanOrEqual(confirmed!);
      expect(written).toBeLessThanOrEqual(broker!);
      // The broker hands the message to subscribers before it PUBACKs the notifier, so the page's receipt may come first.
      expect(written).toBeLessThanOrEqual(device!);
    } finally {
      await rider.close();
    }
    expect(customer.errors).toEqual([]);
    expect(adminErrors).toEqual([]);
    await customer.page.close();
  }, 90_000);
});
