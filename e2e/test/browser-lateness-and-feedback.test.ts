import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { topics } from '@orderpulse/contracts';
import { deleteAmqpNamespace, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { describeIfAvailable } from '@orderpulse/service-kit/testing/suites';
import {
  AdminConsole,
  BrowserSession,
  byTestId,
  chromiumMissing,
  copyScreenshotToDocs,
  TrackPage,
  waitForText,
  type OpenedPage,
} from '../src/browser/index.js';
import { aNewOrder, DeliveryClient, MqttRecorder, OrdersClient, TestTokens, startSystem, type NewOrder, type RunningSystem } from '../src/harness/index.js';

const amqpUrl = process.env.AMQP_URL as string;
const QUEUES = ['notifier', 'delivery-service.orders', 'orders-service.delivery'];
const ADMIN = { username: 'admin', password: 'browser-e2e-password' };
/** About 11 km from aNewOrder()'s address: at 25 km/h, over 25 minutes away. */
const FAR = { lat: 51.52, lng: -2.48 };
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

/**
 * Issue 18 points 5 and 7 in headless Chromium against the real processes (broker, orders,
 * delivery, notifier, web-client, RabbitMQ): late and at-risk deliveries flagged live in the
 * console with delivery.late published once each (from an ETA past the window and from the
 * periodic check, with no event at all), the punctuality panel over stored history, and the
 * customer's rating from the tracking page, seen by admins per order and on average.
 */
describeIfAvailable('in the browser: when deliveries run late and customers rate them', chromiumMissing(), () => {
  const namespace = testNamespace('late');
  let system: RunningSystem;
  let browser: BrowserSession;
  let tokens: TestTokens;
  let orders: OrdersClient;
  let deliveries: DeliveryClient;
  let admin: AdminConsole;
  let adminPage: OpenedPage;
  let feed: MqttRecorder;
  let rider: MqttRecorder;
  let riderId: string;
  /** The order whose rider is far away (ETA past its window): delivered in the second test, rated in the third. */
  let farOrder: { id: string; orderNumber: string; trackingToken: string; deliveryId: string };
  let atRiskOrder: { id: string; trackingToken: string };
  /** The order whose window ended with no event: handed over after its window in the second test. */
  let silentOrder: { id: string; deliveryId: string };

  beforeAll(async () => {
    system = await startSystem({
      amqpUrl,
      namespace,
      ports: 'free',
      env: { orders: { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password }, delivery: { LATENESS_CHECK_MS: '500' } },
    });
    tokens = new TestTokens(system.jwtSecret);
    orders = new OrdersClient(system.urls.orders, await tokens.admin());
    deliveries = new DeliveryClient(system.urls.delivery, await tokens.admin());
    feed = await MqttRecorder.connect(system.urls.mqtt, [topics.adminOrders()], {
      clientId: `feed-${namespace}`,
      username: 'admin',
      password: await tokens.admin(),
    });
    const created = await deliveries.createRider({ name: 'Rosa Parks' });
    riderId = created.body.id;
    rider = await MqttRecorder.connect(system.urls.mqtt, [], {
      clientId: `rider-${namespace}`,
      username: 'rider',
      password: (await deliveries.riderToken(riderId)).body.token,
    });
    browser = await BrowserSession.start();
    adminPage = await browser.open(`${system.urls.web}/admin`);
    admin = new AdminConsole(adminPage.page);
    await admin.logIn(ADMIN.username, ADMIN.password);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await rider?.close();
    await feed?.close();
    await system?.stop();
    await deleteAmqpNamespace(amqpUrl, namespace, QUEUES);
  });

  async function shipped(order: NewOrder) {
    const created = await new OrdersClient(system.urls.orders).createOrder(order);
    expect(created.status).toBe(201);
    for (const status of ['confirmed', 'processing', 'shipped'] as const) expect((await orders.changeStatus(created.body.id, { status })).status).toBe(200);
    const delivery = await waitFor(() => deliveries.deliveryOf(created.body.id), `the delivery of ${created.body.orderNumber}`, 20_000);
    return {
      id: created.body.id,
      orderNumber: created.body.orderNumber,
      trackingToken: created.body.trackingToken,
      deliveryId: delivery.id,
      window: created.body.deliveryWindow,
    };
  }

  const lateEventsOf = (deliveryId: string) =>
    feed.on(topics.adminOrders()).filter((m) => m.payload.type === 'delivery.late' && (m.payload.data as { id?: string }).id === deliveryId);

  async function riderReports(deliveryId: string, status: string, extra: Record<string, unknown> = {}) {
    await rider.client.publishAsync(topics.riderDeliveryStatus(riderId, deliveryId), JSON.stringify({ status, at: new Date().toISOString(), ...extra }), {
      qos: 1,
    });
  }

  it('then the console flags late and at-risk orders live, latest first, and delivery-service publishes delivery.late once each: from an ETA past the window, and from the periodic check when the window ends with no event', async () => {
    const far = await shipped({ ...aNewOrder(), deliveryWindow: { start: inMinutes(-30), end: inMinutes(15) } });
    farOrder = far;
    const atRisk = await shipped({ ...aNewOrder(), deliveryWindow: { start: inMinutes(-30), end: inMinutes(8) } });
    atRiskOrder = atRisk;
    const silent = await shipped({ ...aNewOrder(), deliveryWindow: { start: inMinutes(-30), end: new Date(Date.now() + 4_000).toISOString() } });
    silentOrder = silent;
    const relaxed = await shipped(aNewOrder());
    // Placed, never shipped: no delivery, so the console judges it by its own window.
    const unshipped = (
      await new OrdersClient(system.urls.orders).createOrder({
        ...aNewOrder(),
        deliveryWindow: { start: inMinutes(-30), end: new Date(Date.now() + 4_000).toISOString() },
      })
    ).body;
    expect(far.window).toEqual({ start: expect.any(String), end: expect.any(String) });
    expect(Date.parse(relaxed.window!.end) - Date.parse(relaxed.window!.start)).toBe(120 * 60_000);

    // Nobody reports anything about `silent`: only the periodic check can find it late.
    await waitFor(() => lateEventsOf(silent.deliveryId).length > 0 || undefined, 'delivery.late for the delivery whose window ended silently', 20_000);
    const silentLate = lateEventsOf(silent.deliveryId)[0]!.payload.data as { lateSince: string; promisedWindow: { end: string } };
    expect(Date.parse(silentLate.lateSince)).toBeGreaterThan(Date.parse(silentLate.promisedWindow.end));

    expect((await deliveries.assign(far.deliveryId, riderId)).status).toBe(200);
    await riderReports(far.deliveryId, 'picked_up', FAR);
    await riderReports(far.deliveryId, 'in_transit', { lat: FAR.lat - 0.001, lng: FAR.lng });
    await waitFor(() => lateEventsOf(far.deliveryId).length > 0 || undefined, 'delivery.late for the delivery whose ETA is past its window', 20_000);
    const farLate = lateEventsOf(far.deliveryId)[0]!.payload.data as { eta: { at: string }; promisedWindow: { end: string } };
    expect(Date.parse(farLate.eta.at)).toBeGreaterThan(Date.parse(farLate.promisedWindow.end));

    const list = adminPage.page.locator(`${byTestId('lateness-list')} li`);
    // The unshipped order turns late by its own window, which the console rechecks when anything
    // changes and every 15 s: wait until it is late (it may still be at risk when the fourth row appears).
    const flagged = await waitFor(
      async () => {
        const rows = await list.evaluateAll((items) => items.map((li) => [li.getAttribute('data-order-number'), li.getAttribute('data-lateness')]));
        const unshippedRow = rows.find(([orderNumber]) => orderNumber === unshipped.orderNumber);
        return rows.length === 4 && unshippedRow?.[1] === 'late' ? rows : undefined;
      },
      'four flagged orders in the console, the unshipped one late',
      20_000,
    );
    // The latest first: 10+ minutes late, then the two whose windows just ended (either order), then the one at risk.
    expect(flagged[0]).toEqual([far.orderNumber, 'late']);
    expect(flagged.slice(1, 3).sort()).toEqual(
      [
        [silent.orderNumber, 'late'],
        [unshipped.orderNumber, 'late'],
      ].sort(),
    );
    expect(flagged[3]).toEqual([atRisk.orderNumber, 'at_risk']);
    await waitForText(
      adminPage.page.locator(`${byTestId('lateness-list')} li[data-order-number="${far.orderNumber}"]`),
      /\d+ min late · ETA .+ after .+ · Rosa Parks · On the way/,
    );
    await waitForText(adminPage.page.locator(`${byTestId('lateness-list')} li[data-order-number="${silent.orderNumber}"]`), /min late · window ended/);
    await waitForText(adminPage.page.locator(`${byTestId('lateness-list')} li[data-order-number="${atRisk.orderNumber}"]`), /at risk: \d+ min to spare/);
    await waitForText(
      adminPage.page.locator(`${byTestId('lateness-list')} li[data-order-number="${unshipped.orderNumber}"]`),
      /min late · window ended .+ · not shipped yet · Order placed$/,
    );
    expect(await adminPage.page.locator(`${byTestId('lateness-list')} li[data-order-number="${relaxed.orderNumber}"]`).count()).toBe(0);

    // A later position of the late delivery, and more sweeps meanwhile, publish no second delivery.late.
    await rider.client.publishAsync(topics.riderLocation(riderId), JSON.stringify({ lat: FAR.lat - 0.002, lng: FAR.lng, at: new Date().toISOString() }), {
      qos: 1,
    });
    await feed.waitFor(
      (messages) => messages.filter((m) => m.payload.type === 'delivery.location_updated').length >= 1 || undefined,
      'the later position on the admin feed',
      10_000,
    );
    expect(lateEventsOf(far.deliveryId)).toHaveLength(1);
    expect(lateEventsOf(silent.deliveryId)).toHaveLength(1);

    copyScreenshotToDocs(await browser.screenshot(adminPage.page, 'admin-lateness'), 'admin-lateness');
    expect(adminPage.errors).toEqual([]);
  }, 120_000);

  it('then, once two deliveries are handed over (one inside its window, one after it), the punctuality panel shows the on-time rate and the ETA accuracy for the period from stored history', async () => {
    // The far rider's ETA was past the window, but the parcel arrives now, inside it: on time, and well before the ETA at pickup.
    await riderReports(farOrder.deliveryId, 'delivered');
    expect((await deliveries.assign(silentOrder.deliveryId, riderId)).status).toBe(200);
    await riderReports(silentOrder.deliveryId, 'picked_up');
    await riderReports(silentOrder.deliveryId, 'delivered');
    for (const id of [farOrder.id, silentOrder.id]) {
      await waitFor(
        async () => ((await orders.getOrder(id)).body.status === 'delivered' ? true : undefined),
        'the order to follow its delivery to delivered',
        20_000,
      );
    }
    const stored = await deliveries.getDelivery(farOrder.deliveryId);
    expect(stored.body.etaAtPickup).toBeDefined();

    await adminPage.page.locator(byTestId('punctuality-submit')).click();
    await waitForText(adminPage.page.locator(byTestId('on-time-rate')), '50 % (1 of 2 with a promised window; 1 late)');
    // Only the far delivery had a position at pickup, so only it has an ETA at pickup to measure.
    await waitForText(adminPage.page.locator(byTestId('eta-within-five')), '0 % of 1 measured');
    await waitForText(adminPage.page.locator(byTestId('eta-error')), /^\d+(\.\d)? min off on average \(riders arrive \d+(\.\d)? min before it on average\)$/);
    await waitForText(adminPage.page.locator(byTestId('delivered-count')), '2');
    // Handed over, it leaves the late list (the console follows the delivered snapshot on the feed).
    await adminPage.page
      .locator(`${byTestId('lateness-list')} li[data-order-number="${farOrder.orderNumber}"]`)
      .waitFor({ state: 'detached', timeout: 20_000 });
    copyScreenshotToDocs(await browser.screenshot(adminPage.page, 'admin-punctuality'), 'admin-punctuality');
  }, 60_000);

  it('then the customer rates the delivery once from the tracking page, a second rating and a rating before delivery get 409, and admins see the rating on the order and in the average', async () => {
    const customer = await browser.open(TrackPage.url(system.urls.web, farOrder.id, farOrder.trackingToken), { phone: true });
    const track = new TrackPage(customer.page);
    await track.waitForStatus('Delivered');
    const form = customer.page.locator(byTestId('rating'));
    await form.waitFor({ state: 'visible', timeout: 20_000 });
    await customer.page.locator('label[for="rating-4"]').click();
    await customer.page.getByLabel('Comment (optional)').fill('Late, but the rider was lovely');
    copyScreenshotToDocs(await browser.screenshot(customer.page, 'track-rating-form'), 'track-rating-form');
    await customer.page.locator(byTestId('rating-submit')).click();
    await waitForText(customer.page.locator(byTestId('rating-result')), 'Thank you: you rated this delivery 4 out of 5. “Late, but the rider was lovely”');

    const customerApi = new OrdersClient(system.urls.orders, farOrder.trackingToken);
    const again = await customerApi.rate(farOrder.id, { rating: 1 });
    expect(again.status).toBe(409);
    const early = await new OrdersClient(system.urls.orders, atRiskOrder.trackingToken).rate(atRiskOrder.id, { rating: 5 });
    expect(early.status).toBe(409);
    expect((await customerApi.rate(farOrder.id, { rating: 5, comment: 'x'.repeat(1001) })).status).toBe(400);

    // Reopened, the page says what was given instead of the form.
    await customer.page.reload();
    await waitForText(customer.page.locator(byTestId('rating-result')), /you rated this delivery 4 out of 5/);
    expect(await customer.page.locator('form.rating-form').isHidden()).toBe(true);

    await adminPage.page.locator(byTestId('ratings-refresh')).click();
    await waitForText(adminPage.page.locator(byTestId('ratings-average')), 'Average 4.00 / 5 from 1 rating');
    await admin.openOrder(farOrder.orderNumber);
    await waitForText(adminPage.page.locator(byTestId('order-rating')), '★★★★☆ 4/5 “Late, but the rider was lovely”');
    copyScreenshotToDocs(await browser.screenshot(adminPage.page, 'admin-ratings'), 'admin-ratings');
    expect(customer.errors).toEqual([]);
    expect(adminPage.errors).toEqual([]);
  }, 60_000);
});
