import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
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
import { aNewOrder, DeliveryClient, MqttRecorder, OrdersClient, TestTokens, startSystem, type RunningSystem } from '../src/harness/index.js';

const amqpUrl = process.env.AMQP_URL as string;
const QUEUES = ['notifier', 'delivery-service.orders', 'orders-service.delivery'];
const ADMIN = { username: 'admin', password: 'browser-e2e-password' };

interface Stop {
  id: string;
  orderNumber: string;
  trackingToken: string;
  deliveryId: string;
  line1: string;
  page: OpenedPage;
  mqtt: MqttRecorder;
}

/**
 * Issue 18 point 6 in headless Chromium against the real processes: a rider given three
 * deliveries; each customer's tracking page says where their stop is ("Your stop is next", "N
 * stops before yours"), from the order the rider was given them, then from the order the
 * dispatcher set, and moves up as stops are done, computed by delivery-service and sent on each
 * customer's own tracking topic only, with nothing about the other customers.
 */
describeIfAvailable('in the browser: when a rider carries several deliveries', chromiumMissing(), () => {
  const namespace = testNamespace('stops');
  let system: RunningSystem;
  let browser: BrowserSession;
  let tokens: TestTokens;
  let orders: OrdersClient;
  let deliveries: DeliveryClient;
  let riderId: string;
  let rider: MqttRecorder;
  const stops: Stop[] = [];

  beforeAll(async () => {
    system = await startSystem({ amqpUrl, namespace, ports: 'free', env: { orders: { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password } } });
    tokens = new TestTokens(system.jwtSecret);
    orders = new OrdersClient(system.urls.orders, await tokens.admin());
    deliveries = new DeliveryClient(system.urls.delivery, await tokens.admin());
    riderId = (await deliveries.createRider({ name: 'Rosa Parks' })).body.id;
    rider = await MqttRecorder.connect(system.urls.mqtt, [], {
      clientId: `rider-${namespace}`,
      username: 'rider',
      password: (await deliveries.riderToken(riderId)).body.token,
    });
    browser = await BrowserSession.start();
  }, 90_000);

  afterAll(async () => {
    for (const stop of stops) await stop.mqtt.close();
    await rider?.close();
    await browser?.close();
    await system?.stop();
    await deleteAmqpNamespace(amqpUrl, namespace, QUEUES);
  });

  const stopsText = (stop: Stop) => stop.page.page.locator(byTestId('stops'));
  const tracking = (stop: Stop) => stop.mqtt.on(topics.orderTracking(stop.id));

  it('then each customer sees their place in the order the rider was given the deliveries, then in the order the dispatcher set, moving up as stops are done, and learns nothing about the other stops', async () => {
    for (const [index, street] of ['Harbour Road', 'Mill Lane', 'Quay Street'].entries()) {
      const line1 = `${index + 1} ${street}`;
      const base = aNewOrder();
      const created = await new OrdersClient(system.urls.orders).createOrder({ ...base, deliveryAddress: { ...base.deliveryAddress, line1 } });
      expect(created.status).toBe(201);
      for (const status of ['confirmed', 'processing', 'shipped'] as const) expect((await orders.changeStatus(created.body.id, { status })).status).toBe(200);
      const delivery = await waitFor(() => deliveries.deliveryOf(created.body.id), `the delivery of ${created.body.orderNumber}`, 20_000);
      const page = await browser.open(TrackPage.url(system.urls.web, created.body.id, created.body.trackingToken), { phone: true });
      const mqtt = await MqttRecorder.connect(system.urls.mqtt, [topics.orderTracking(created.body.id)], {
        clientId: `customer-${randomUUID()}`,
        username: 'customer',
        password: created.body.trackingToken,
      });
      stops.push({
        id: created.body.id,
        orderNumber: created.body.orderNumber,
        trackingToken: created.body.trackingToken,
        deliveryId: delivery.id,
        line1,
        page,
        mqtt,
      });
    }
    const [a, b, c] = stops as [Stop, Stop, Stop];

    // Given in the order a, b, c.
    for (const stop of stops) expect((await deliveries.assign(stop.deliveryId, riderId)).status).toBe(200);
    await waitForText(stopsText(a), 'Your stop is next');
    await waitForText(stopsText(b), '1 stop before yours');
    await waitForText(stopsText(c), '2 stops before yours');
    copyScreenshotToDocs(await browser.screenshot(c.page.page, 'track-stops'), 'track-stops');

    // Only admins set the order, and only with every open delivery of the rider once.
    const put = async (token: string, body: unknown) => {
      const res = await fetch(`${system.urls.delivery}/riders/${riderId}/stops`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { items?: Array<{ deliveryId: string; stopsBefore: number }>; error?: { code: string } } };
    };
    const admin = await tokens.admin();
    expect((await put(admin, { deliveryIds: [c.deliveryId, a.deliveryId] })).body.error?.code).toBe('stops_mismatch');
    expect((await put(admin, { deliveryIds: Array.from({ length: 51 }, () => randomUUID()) })).status).toBe(400);
    expect((await put(await tokens.rider(riderId), { deliveryIds: [c.deliveryId, a.deliveryId, b.deliveryId] })).status).toBe(403);

    // The dispatcher puts c first from the console: its stops, then "Move up" twice.
    const consolePage = await browser.open(`${system.urls.web}/admin`);
    const console_ = new AdminConsole(consolePage.page);
    await console_.logIn(ADMIN.username, ADMIN.password);
    await consolePage.page.getByRole('button', { name: 'Stops of Rosa Parks' }).click();
    const listed = () =>
      consolePage.page.locator(`${byTestId('stops-list')} li`).evaluateAll((items) => items.map((li) => li.getAttribute('data-order-number')));
    await waitFor(async () => ((await listed()).length === 3 ? true : undefined), 'the three stops in the console', 20_000);
    expect(await listed()).toEqual([a.orderNumber, b.orderNumber, c.orderNumber]);
    for (const expected of [
      [a, c, b],
      [c, a, b],
    ]) {
      await consolePage.page.getByRole('button', { name: `Move ${c.orderNumber} up` }).click();
      await waitFor(
        async () => (JSON.stringify(await listed()) === JSON.stringify(expected.map((s) => s.orderNumber)) ? true : undefined),
        'the new order in the console',
        20_000,
      ).catch(async (err: Error) => {
        throw new Error(
          `${err.message}; listed ${JSON.stringify(await listed())}, problem: ${await consolePage.page.locator(byTestId('stops-error')).textContent()}`,
        );
      });
    }
    await waitForText(consolePage.page.locator(byTestId('stops-note')), 'Order saved; each customer sees their new place.');
    copyScreenshotToDocs(await browser.screenshot(consolePage.page, 'admin-stops'), 'admin-stops');
    const set = await fetch(`${system.urls.delivery}/riders/${riderId}/stops`, { headers: { authorization: `Bearer ${admin}` } });
    expect(((await set.json()) as { items: Array<{ deliveryId: string; stopsBefore: number }> }).items.map((s) => [s.deliveryId, s.stopsBefore])).toEqual([
      [c.deliveryId, 0],
      [a.deliveryId, 1],
      [b.deliveryId, 2],
    ]);
    await waitForText(stopsText(c), 'Your stop is next');
    await waitForText(stopsText(a), '1 stop before yours');
    await waitForText(stopsText(b), '2 stops before yours');

    // c is picked up and handed over: the others move up.
    for (const status of ['picked_up', 'delivered']) {
      await rider.client.publishAsync(topics.riderDeliveryStatus(riderId, c.deliveryId), JSON.stringify({ status, at: new Date().toISOString() }), { qos: 1 });
    }
    await waitForText(stopsText(a), 'Your stop is next');
    await waitForText(stopsText(b), '1 stop before yours');
    await stopsText(c).waitFor({ state: 'hidden', timeout: 20_000 });
    copyScreenshotToDocs(await browser.screenshot(b.page.page, 'track-stops-moved-up'), 'track-stops-moved-up');

    // What each customer received on their topic is about their own delivery only: no other order's id, number, delivery or address.
    await waitFor(() => (tracking(b).some((m) => m.payload.stopsBefore === 1) ? true : undefined), "b's tracking topic with 1 stop before", 10_000);
    for (const own of stops) {
      expect(tracking(own).length).toBeGreaterThan(0);
      for (const other of stops.filter((s) => s !== own)) {
        const received = JSON.stringify(tracking(own).map((m) => m.payload));
        for (const secret of [other.id, other.orderNumber, other.deliveryId, other.line1]) expect(received).not.toContain(secret);
      }
    }
    // Nor can a customer listen to another order's topic.
    await expect(
      MqttRecorder.connect(system.urls.mqtt, [topics.orderTracking(a.id)], {
        clientId: `nosy-${randomUUID()}`,
        username: 'customer',
        password: b.trackingToken,
        reconnectPeriod: 0,
      }),
    ).rejects.toThrow();
    for (const stop of stops) expect(stop.page.errors).toEqual([]);
    expect(consolePage.errors).toEqual([]);
  }, 120_000);
});
