import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { BrowserContext } from 'playwright-core';
import { topics } from '@orderpulse/contracts';
import { deleteAmqpNamespace, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '@orderpulse/service-kit/testing/smtp-sink';
import { describeIfAvailable } from '@orderpulse/service-kit/testing/suites';
import { AdminConsole, BrowserSession, byTestId, chromiumMissing, copyScreenshotToDocs, RiderApp, TrackPage, waitForText } from '../src/browser/index.js';
import { aNewOrder, DeliveryClient, MqttRecorder, shipNewOrder, TestTokens, startSystem, type RunningSystem } from '../src/harness/index.js';

const amqpUrl = process.env.AMQP_URL as string;
const QUEUES = ['notifier', 'delivery-service.orders', 'orders-service.delivery', 'mail-service'];
const ADMIN = { username: 'admin', password: 'arrival-e2e-password' };
const HOME = aNewOrder().deliveryAddress as { lat: number; lng: number };
/** A point `metres` north of the address (1° of latitude is about 111,195 m). */
const north = (metres: number) => ({ lat: Math.round((HOME.lat + metres / 111_195) * 1e6) / 1e6, lng: HOME.lng });
const device = (point: { lat: number; lng: number }) => ({ latitude: point.lat, longitude: point.lng, accuracy: 5 });

/**
 * Issue 18 point 2 through the real processes (broker, orders, delivery, notifier, web-client,
 * mail-service, RabbitMQ, a real SMTP server): a rider's phone in Chromium with an emulated
 * location comes near the address; delivery-service records "arriving" once, the customer's page
 * and the admin console show it live, and the customer gets one mail.
 */
describeIfAvailable('in the browser: when a rider comes within the arrival radius of the address', chromiumMissing(), () => {
  const namespace = testNamespace('arrive');
  let sink: SmtpSink;
  let system: RunningSystem;
  let browser: BrowserSession;
  let deliveries: DeliveryClient;
  let adminFeed: MqttRecorder;
  let riderContext: BrowserContext;
  let rider: RiderApp;
  const riderId = `rider-${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    sink = await startSmtpSink();
    system = await startSystem({
      amqpUrl,
      namespace,
      ports: 'free',
      mail: { smtpUrl: sink.url },
      env: { orders: { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password }, delivery: { ARRIVAL_RADIUS_M: '150' } },
    });
    const adminToken = await new TestTokens(system.jwtSecret).admin();
    deliveries = new DeliveryClient(system.urls.delivery, adminToken);
    expect((await deliveries.createRider({ id: riderId, name: 'Rosa Parks' })).status).toBe(201);
    adminFeed = await MqttRecorder.connect(system.urls.mqtt, [topics.adminOrders()], {
      username: 'admin',
      password: adminToken,
      clientId: `arrival-feed-${namespace}`,
    });
    browser = await BrowserSession.start();
  }, 90_000);

  afterAll(async () => {
    await adminFeed?.close().catch(() => undefined);
    await browser?.close();
    await system?.stop();
    await sink?.close();
    await deleteAmqpNamespace(amqpUrl, namespace, QUEUES);
  });

  it('then "arriving" is recorded once, shown on the tracking page and in the console, and mailed once, however the position jitters across the radius', async () => {
    const email = `grace-${namespace}@example.com`;
    const adminToken = await new TestTokens(system.jwtSecret).admin();
    const { order, deliveryId } = await shipNewOrder(system.urls, adminToken, aNewOrder({ customer: { name: 'Grace Hopper', email } }));
    expect((await deliveries.assign(deliveryId, riderId)).status).toBe(200);

    const opened = await browser.open(undefined, { phone: true });
    riderContext = opened.context;
    await riderContext.grantPermissions(['geolocation'], { origin: system.urls.web });
    await riderContext.setGeolocation(device(north(1200)));
    await opened.page.goto(`${system.urls.web}/rider?t=${encodeURIComponent((await deliveries.riderToken(riderId)).body.token)}`);
    rider = new RiderApp(opened.page);
    await rider.waitForConnection('live');
    await rider.waitForDelivery(order.orderNumber, 'Rider assigned');

    const customer = await browser.open(TrackPage.url(system.urls.web, order.id, order.trackingToken as string), { phone: true });
    const track = new TrackPage(customer.page);
    await track.waitForRider('Rosa Parks');
    const consolePage = await browser.open(`${system.urls.web}/admin`);
    const admin = new AdminConsole(consolePage.page);
    await admin.logIn(ADMIN.username, ADMIN.password);
    await admin.openOrder(order.orderNumber);

    await rider.report(order.orderNumber, 'Picked up');
    await track.waitForDeliveryStatus('Picked up');
    for (const metres of [600, 300, 200]) {
      await riderContext.setGeolocation(device(north(metres)));
      await waitFor(async () => (await deliveries.getDelivery(deliveryId)).body.lastPosition?.lat === north(metres).lat, `the position ${metres} m away`);
    }
    expect((await deliveries.getDelivery(deliveryId)).body.arrivingAt).toBeUndefined();
    expect(await customer.page.locator(byTestId('arriving')).isVisible()).toBe(false);

    // Within 150 m: arriving.
    await riderContext.setGeolocation(device(north(120)));
    await track.waitForDeliveryStatus('Arriving');
    await waitForText(customer.page.locator(byTestId('arriving')), 'Your rider is almost there: they are close to your address.');
    await admin.waitForDeliveryStatus('Arriving');
    await admin.waitForFeedEntry(`${order.orderNumber}: Rosa Parks is arriving (near the address)`);
    await waitForText(admin.page.locator(`li[data-delivery-id="${deliveryId}"]`), /Rosa Parks · Arriving/);
    const arriving = (await deliveries.getDelivery(deliveryId)).body;
    expect(arriving.arrivingAt).toBe(arriving.lastPosition?.at);
    const mails = (m: ReceivedMail) => m.recipients.includes(email) && m.subject === `Your order ${order.orderNumber} is almost there`;
    const [mail] = await sink.waitForMails(1, mails, 20_000);
    expect(mail!.text).toContain('Rosa Parks is close to your address');

    // GPS jitter at the edge: out to 200 m, back in to 100 m, out to 170 m, in to 40 m.
    for (const metres of [200, 100, 170, 40]) {
      await riderContext.setGeolocation(device(north(metres)));
      await waitFor(async () => (await deliveries.getDelivery(deliveryId)).body.lastPosition?.lat === north(metres).lat, `the position ${metres} m away`);
    }
    await waitFor(
      () => adminFeed.messages.some((m) => m.payload.type === 'delivery.location_updated' && (m.payload.data as { lat: number }).lat === north(40).lat),
      'the last position on the admin feed',
    );
    expect(adminFeed.messages.filter((m) => m.payload.type === 'delivery.arriving')).toHaveLength(1);
    expect((await deliveries.getDelivery(deliveryId)).body.arrivingAt).toBe(arriving.arrivingAt);
    await track.waitForDeliveryStatus('Arriving');

    copyScreenshotToDocs(await browser.screenshot(customer.page, 'track-arriving'), 'track-arriving');
    copyScreenshotToDocs(await browser.screenshot(admin.page, 'admin-arriving'), 'admin-arriving');

    await rider.report(order.orderNumber, 'Delivered');
    await track.waitForStatus('Delivered');
    await track.waitForDeliveryStatus('Delivered');
    expect(await customer.page.locator(byTestId('arriving')).isVisible()).toBe(false);
    await sink.waitForMails(1, (m) => m.recipients.includes(email) && m.subject === `Order ${order.orderNumber} has been delivered`, 20_000);
    expect(sink.mails.filter(mails)).toHaveLength(1);
    expect(customer.errors).toEqual([]);
    expect(consolePage.errors).toEqual([]);
    expect(opened.errors).toEqual([]);
  }, 120_000);
});
