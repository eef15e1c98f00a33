import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { orderSignalMessageSchema, topics } from '@orderpulse/contracts';
import { CutProxy, deleteAmqpNamespace, testNamespace } from '@orderpulse/service-kit/testing';
import { describeIfAvailable } from '@orderpulse/service-kit/testing/suites';
import {
  AdminConsole,
  BrowserSession,
  byTestId,
  chromiumMissing,
  copyScreenshotToDocs,
  RiderApp,
  TrackPage,
  waitForAttribute,
  waitForText,
} from '../src/browser/index.js';
import { aNewOrder, DeliveryClient, MqttRecorder, shipNewOrder, startSystem, TestTokens, type RunningSystem } from '../src/harness/index.js';

const amqpUrl = process.env.AMQP_URL as string;
const QUEUES = ['notifier', 'delivery-service.orders', 'orders-service.delivery'];
const ADMIN = { username: 'admin', password: 'browser-e2e-password' };
const HOME = aNewOrder().deliveryAddress as { lat: number; lng: number };
/** About 5 km from the address (approximate for the customer), then 100 m on, then about 1 km away (exact), then 100 m closer. */
const FAR = { latitude: HOME.lat + 0.036, longitude: HOME.lng + 0.02, accuracy: 6 };
const FAR_ON = { latitude: HOME.lat + 0.0352, longitude: HOME.lng + 0.0196, accuracy: 6 };
const NEARBY = { latitude: HOME.lat + 0.008, longitude: HOME.lng + 0.004, accuracy: 6 };
const CLOSER = { latitude: HOME.lat + 0.0072, longitude: HOME.lng + 0.0036, accuracy: 6 };

/**
 * Honest freshness: the rider app (Chromium) sends heartbeats while it carries a parcel; its
 * connection to the broker goes through a proxy this test cuts (TCP reset, no MQTT DISCONNECT,
 * as when a phone loses its network). The customer's tracking page and the admin console, both
 * in Chromium and connected directly, must say the signal was lost and that the ETA is old.
 */
describeIfAvailable(
  "in the browser: when the rider's connection drops, then the tracking page and the console say the signal was lost",
  chromiumMissing(),
  () => {
    const namespace = testNamespace('signal');
    let proxy: CutProxy;
    let system: RunningSystem;
    let browser: BrowserSession;
    let adminToken: string;
    let deliveries: DeliveryClient;
    const recorders: MqttRecorder[] = [];
    const riderId = `rider-${Math.random().toString(36).slice(2, 8)}`;

    beforeAll(async () => {
      proxy = await CutProxy.start();
      // Every page reaches the broker through the proxy; only the rider's connections are cut.
      system = await startSystem({
        amqpUrl,
        namespace,
        ports: 'free',
        env: { web: { MQTT_WS_URL: proxy.url('ws:', '/mqtt') }, orders: { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password } },
      });
      proxy.forwardTo(system.urls.mqttWs);
      adminToken = await new TestTokens(system.jwtSecret).admin();
      deliveries = new DeliveryClient(system.urls.delivery, adminToken);
      expect((await deliveries.createRider({ id: riderId, name: 'Ada Lovelace' })).status).toBe(201);
      browser = await BrowserSession.start();
    }, 90_000);

    afterAll(async () => {
      for (const recorder of recorders) await recorder.close().catch(() => undefined);
      await browser?.close();
      await system?.stop();
      await proxy?.close();
      await deleteAmqpNamespace(amqpUrl, namespace, QUEUES);
    });

    it('then "updated … ago" while the rider is connected, and "signal lost" with the ETA marked old once the connection is cut', async () => {
      const { order, deliveryId } = await shipNewOrder(system.urls, adminToken);
      expect((await deliveries.assign(deliveryId, riderId)).status).toBe(200);
      const watcher = await MqttRecorder.connect(system.urls.mqtt, [topics.riderHeartbeat(riderId), topics.orderSignal(order.id)], {
        username: 'admin',
        password: adminToken,
      });
      recorders.push(watcher);

      const consoleTab = await browser.open(`${system.urls.web}/admin`);
      const admin = new AdminConsole(consoleTab.page);
      await admin.logIn(ADMIN.username, ADMIN.password);

      // The customer's page, with a clock the test can move on (for "2 min ago").
      const customer = await browser.open(undefined, { phone: true });
      await customer.page.clock.install();
      await customer.page.goto(TrackPage.url(system.urls.web, order.id, order.trackingToken));
      const track = new TrackPage(customer.page);
      await track.waitForRider('Ada Lovelace');
      await track.waitForConnection('live');

      // The rider's phone: opened last, so every connection through the proxy from here on is the rider's.
      const mark = proxy.mark();
      const phone = await browser.open(undefined, { phone: true });
      await phone.context.grantPermissions(['geolocation'], { origin: system.urls.web });
      await phone.context.setGeolocation(FAR);
      await phone.page.goto(`${system.urls.web}/rider?t=${encodeURIComponent((await deliveries.riderToken(riderId)).body.token)}`);
      const rider = new RiderApp(phone.page);
      await rider.waitForConnection('live');
      await rider.waitForDelivery(order.orderNumber, 'Rider assigned');
      await rider.report(order.orderNumber, 'Picked up');
      await track.waitForDeliveryStatus('Picked up');
      // Far away the page gets (and says it gets) an approximate position: location privacy, decided by the notifier.
      await phone.context.setGeolocation(FAR_ON);
      await waitForText(
        customer.page.locator(byTestId('rider-whereabouts')),
        /^The rider is [\d.]+ km (north|north-east|east) of the delivery address\. Approximate position \(within 500 m\) until the rider is close\.$/,
      );
      copyScreenshotToDocs(await browser.screenshot(customer.page, 'track-approximate'), 'track-approximate');
      await phone.context.setGeolocation(NEARBY);
      await waitForText(customer.page.locator(byTestId('rider-whereabouts')), /^The rider is \d+ m (north|north-east|east) of the delivery address\.$/);
      await phone.context.setGeolocation(CLOSER);

      // Heartbeats from the app (small, on the rider's own topic), and the customer's signal from the notifier.
      const beat = await watcher.waitFor((ms) => ms.find((m) => m.topic === topics.riderHeartbeat(riderId)), 'a heartbeat from the rider app', 20_000);
      expect(Object.keys(beat.payload)).toEqual(['at']);
      await watcher.waitFor((ms) => ms.find((m) => m.topic === topics.orderSignal(order.id) && m.payload.online === true), 'the signal, online', 20_000);
      await waitForAttribute(customer.page, 'rider-signal', 'data-freshness', 'live');
      await waitForText(customer.page.locator(byTestId('rider-signal')), /^Rider's signal: updated (just now|\d+ s ago)$/);
      await waitForText(customer.page.locator(byTestId('eta')), /^about \d+ min/);
      await waitForAttribute(consoleTab.page, `rider-signal-${riderId}`, 'data-freshness', 'live');

      // Cut: the broker sees the socket reset, publishes the rider offline; the notifier tells the customer.
      const cutAt = Date.now();
      expect(proxy.cutSince(mark)).toBeGreaterThan(0);
      const lost = await watcher.waitFor(
        (ms) => ms.find((m) => m.topic === topics.orderSignal(order.id) && m.payload.online === false),
        'the signal, lost',
        20_000,
      );
      const signal = orderSignalMessageSchema.parse(lost.payload);
      expect(Date.parse(signal.lostAt!)).toBeGreaterThanOrEqual(cutAt - 1_000);
      await waitForAttribute(customer.page, 'rider-signal', 'data-freshness', 'lost');
      await waitForText(customer.page.locator(byTestId('rider-signal')), /^Signal lost (just now|\d+ s ago)$/);
      await waitForText(
        customer.page.locator(byTestId('eta-freshness')),
        /^The arrival time is based on the rider's position from (just now|\d+ s ago), before the signal was lost\.$/,
      );
      await waitForAttribute(consoleTab.page, `rider-signal-${riderId}`, 'data-freshness', 'lost');
      await waitForText(consoleTab.page.locator(byTestId(`rider-signal-${riderId}`)), /^ · signal lost (just now|\d+ s ago)$/);

      // Two minutes later on the customer's clock.
      await customer.page.clock.fastForward('02:00');
      await waitForText(customer.page.locator(byTestId('rider-signal')), /^Signal lost 2 min ago$/);
      await waitForText(
        customer.page.locator(byTestId('eta-freshness')),
        /^The arrival time is based on the rider's position from 2 min ago, before the signal was lost\.$/,
      );
      copyScreenshotToDocs(await browser.screenshot(customer.page, 'track-signal-lost'), 'track-signal-lost');
      copyScreenshotToDocs(await browser.screenshot(consoleTab.page, 'admin-signal-lost'), 'admin-signal-lost');
      expect(customer.errors).toEqual([]);
      expect(consoleTab.errors).toEqual([]);
    }, 120_000);
  },
);
