import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { BrowserContext } from 'playwright-core';
import { topics } from '@orderpulse/contracts';
import { testNamespace } from '@orderpulse/service-kit/testing';
import { describeIfAvailable } from '@orderpulse/service-kit/testing/suites';
import {
  BrowserSession,
  byTestId,
  chromiumMissing,
  copyScreenshotToDocs,
  RiderApp,
  startSystemWithMap,
  TrackPage,
  waitForText,
  type SystemWithMap,
  type TileServer,
} from '../src/browser/index.js';
import { aNewOrder, DeliveryClient, MqttRecorder, shipNewOrder, TestTokens, type RunningSystem } from '../src/harness/index.js';

const amqpUrl = process.env.AMQP_URL as string;
const HOME = aNewOrder().deliveryAddress as { lat: number; lng: number };
/** Points on the way in, each ~100 m (well past the 20 m the app waits for) from the last. */
const along = (i: number) => ({ lat: Math.round((HOME.lat + 0.009 - i * 0.0009) * 1e6) / 1e6, lng: Math.round((HOME.lng + 0.004 - i * 0.0004) * 1e6) / 1e6 });
/** What Playwright's geolocation emulation takes, for a point. */
const device = (point: { lat: number; lng: number }) => ({ latitude: point.lat, longitude: point.lng, accuracy: 6 });

/**
 * A rider's phone in Chromium: the device's location (Playwright geolocation), a real map from
 * tiles this test makes and serves, a connection lost (context.setOffline) while the rider
 * reports, and the rider staying signed in. The whole system runs as real processes.
 */
describeIfAvailable('in the browser: when a rider works from a phone with its location, a map and a lost connection', chromiumMissing(), () => {
  const namespace = testNamespace('web');
  let running: SystemWithMap;
  let system: RunningSystem;
  let tiles: TileServer;
  let adminToken: string;
  let browser: BrowserSession;
  let deliveries: DeliveryClient;
  let riderContext: BrowserContext;
  let rider: RiderApp;
  let riderErrors: string[];
  const riderId = `rider-${Math.random().toString(36).slice(2, 8)}`;
  const recorders: MqttRecorder[] = [];

  /** Runs `work` with the web-client process stopped, and starts it again however `work` ends. */
  async function withWebClientStopped(work: () => Promise<void>): Promise<void> {
    await system.processes.get('web')!.stop();
    try {
      await work();
    } finally {
      await system.restart('web');
    }
  }

  beforeAll(async () => {
    running = await startSystemWithMap({ amqpUrl, namespace });
    ({ system, tiles } = running);
    adminToken = await new TestTokens(system.jwtSecret).admin();
    deliveries = new DeliveryClient(system.urls.delivery, adminToken);
    expect((await deliveries.createRider({ id: riderId, name: 'Rosa Parks' })).status).toBe(201);
    browser = await BrowserSession.start();
  }, 90_000);

  afterAll(async () => {
    for (const recorder of recorders) await recorder.close().catch(() => undefined);
    await browser?.close();
    await running?.stop();
  });

  /** An order shipped and assigned to the rider; its customer's tracking token. */
  async function assignedOrder() {
    const { order, deliveryId } = await shipNewOrder(
      system.urls,
      adminToken,
      aNewOrder({ items: [{ sku: 'TEA-01', name: 'Loose-leaf tea', quantity: 2, unitPriceCents: 650 }] }),
    );
    expect((await deliveries.assign(deliveryId, riderId)).status).toBe(200);
    return { order, deliveryId, trackingToken: order.trackingToken };
  }

  async function openCustomer(orderId: string, token: string) {
    const customer = await browser.open(TrackPage.url(system.urls.web, orderId, token), { phone: true });
    const track = new TrackPage(customer.page);
    await track.waitForRider('Rosa Parks');
    return { ...customer, track };
  }

  it('then the rider signs in from the link and stays signed in across a reload and a closed tab', async () => {
    await assignedOrder();
    const link = `${system.urls.web}/rider?t=${encodeURIComponent((await deliveries.riderToken(riderId)).body.token)}`;
    const opened = await browser.open(undefined, { phone: true });
    riderContext = opened.context;
    riderErrors = opened.errors;
    await riderContext.grantPermissions(['geolocation'], { origin: system.urls.web });
    await riderContext.setGeolocation(device(along(0)));
    await opened.page.goto(link);
    rider = new RiderApp(opened.page);
    await waitForText(opened.page.locator(byTestId('rider-name')), 'Signed in as Rosa Parks');
    await rider.waitForConnection('live');
    await rider.waitForLocation('ok');
    await waitForText(opened.page.locator(byTestId('location-text')), 'Location ready, accurate to about 6 m. It is shared while you carry a parcel.');
    expect(new URL(opened.page.url()).search).toBe('');

    await opened.page.reload();
    await waitForText(opened.page.locator(byTestId('rider-name')), 'Signed in as Rosa Parks');
    await rider.waitForConnection('live');

    // A closed tab: a new page of the same browser profile opens /rider without the link.
    await opened.page.close();
    const again = await riderContext.newPage();
    again.on('pageerror', (error) => riderErrors.push(error.message));
    again.on('console', (message) => void (message.type() === 'error' && riderErrors.push(message.text())));
    await again.goto(`${system.urls.web}/rider`);
    rider = new RiderApp(again);
    await waitForText(again.locator(byTestId('rider-name')), 'Signed in as Rosa Parks');
    await rider.waitForConnection('live');
    // The service worker has cached the app shell by now (it opens offline later).
    await again.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });
    expect(riderErrors).toEqual([]);
  }, 90_000);

  it("then the device's location, as the rider moves, moves the rider on the customer's map live", async () => {
    const { order } = await assignedOrder();
    const customer = await openCustomer(order.id, order.trackingToken as string);
    await rider.waitForDelivery(order.orderNumber, 'Rider assigned');
    await rider.report(order.orderNumber, 'Picked up');
    await customer.track.waitForDeliveryStatus('Picked up');

    const tilesBefore = tiles.served.length;
    for (const i of [1, 2, 3]) {
      await riderContext.setGeolocation(device(along(i)));
      await customer.track.waitForMapRider(along(i));
    }
    expect(tiles.served.length).toBeGreaterThan(tilesBefore);
    expect(await customer.page.locator(`${byTestId('delivery-map')} img.leaflet-tile-loaded`).count()).toBeGreaterThan(0);
    expect((await customer.track.mapPath()).slice(-3)).toEqual([along(1), along(2), along(3)]);
    await waitForText(customer.page.locator(byTestId('rider-whereabouts')), /^The rider is \d+ m (north|north-east|east) of the delivery address\.$/);
    await waitForText(rider.page.locator(byTestId('location-text')), 'Sharing your location, accurate to about 6 m.');
    await waitForText(customer.page.locator(byTestId('order-items')).locator('li').first(), '2 × Loose-leaf tea13.00');

    copyScreenshotToDocs(await browser.screenshot(customer.page, 'track-map-live'), 'track');
    copyScreenshotToDocs(await browser.screenshot(rider.page, 'rider-location'), 'rider');
    await rider.report(order.orderNumber, 'Delivered');
    await customer.track.waitForStatus('Delivered');
    expect(customer.errors).toEqual([]);
    expect(riderErrors).toEqual([]);
  }, 90_000);

  it('then reports made offline (picked up and three positions) wait on the phone, survive reopening the app offline, and reach the customer once each, in order, when the connection is back', async () => {
    const { order, deliveryId, trackingToken } = await assignedOrder();
    const customer = await openCustomer(order.id, trackingToken);
    const watcher = await MqttRecorder.connect(system.urls.mqtt, [topics.orderTracking(order.id), topics.orderLocation(order.id)], {
      username: 'customer',
      password: trackingToken,
      clientId: `watch-${order.id.slice(0, 8)}`,
    });
    recorders.push(watcher);
    let offlineSince = Number.POSITIVE_INFINITY;
    /** What the customer's subscription got live (not retained) since the rider went offline. */
    const live = (topic: string) => watcher.messages.filter((m) => m.topic === topic && !m.retained && m.receivedAt >= offlineSince);
    /** Tracking messages (one per change; positions refresh the ETA) in version order, each with picked up once in its history. */
    const expectPickedUpOnce = () => {
      const tracking = live(topics.orderTracking(order.id)).map((m) => m.payload as { version: number; history: Array<{ status: string }> });
      expect(tracking.length).toBeGreaterThan(0);
      const versions = tracking.map((t) => t.version);
      expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
      for (const t of tracking) expect(t.history.filter((h) => h.status === 'picked_up')).toHaveLength(1);
    };

    await rider.waitForDelivery(order.orderNumber, 'Rider assigned');
    await riderContext.setGeolocation(device(along(4)));
    await riderContext.setOffline(true);
    await rider.waitForConnection('offline');
    offlineSince = Date.now();
    await rider.reportOffline(order.orderNumber, 'Picked up');
    await rider.waitForDelivery(order.orderNumber, 'Picked up');
    await rider.waitForWaiting(1);
    const positions = [along(5), along(6), along(7)];
    for (const [i, point] of positions.entries()) {
      await riderContext.setGeolocation(device(point));
      await rider.waitForWaiting(2 + i);
    }
    await waitForText(rider.page.locator(byTestId('waiting')).locator('h2'), 'Waiting to send (4)');

    // The app reopened without a network: the service worker serves it from its cache (the
    // web-client is stopped too, so nothing else could), and IndexedDB still holds the reports.
    await withWebClientStopped(async () => {
      const reopened = await rider.page.reload();
      expect(reopened?.fromServiceWorker()).toBe(true);
      await rider.waitForWaiting(4);
      await rider.waitForDelivery(order.orderNumber, 'Picked up');
      await rider.waitForNotLive();
      // The device finds the rider where the last waiting position says: nothing new to report.
      await rider.waitForLocation('ok');
      copyScreenshotToDocs(await browser.screenshot(rider.page, 'rider-offline-waiting'), 'rider-offline');
    });
    // Nothing left the phone meanwhile.
    expect(watcher.messages.filter((m) => !m.retained && m.receivedAt >= offlineSince)).toEqual([]);
    expect(await customer.track.text('delivery-status')).toBe('Rider assigned');

    await riderContext.setOffline(false);
    await rider.waitForConnection('live');
    await rider.waitForWaiting(0);
    await customer.track.waitForMapRider(positions[2]!);
    await watcher.waitFor(() => live(topics.orderLocation(order.id)).length >= 3, 'three positions');
    expectPickedUpOnce();
    expect((await customer.track.mapPath()).slice(-3)).toEqual(positions);
    expect(await customer.page.locator(`${byTestId('timeline')} li[data-status="picked_up"]`).count()).toBe(1);

    // The broker took the status report before: sending it again (a lost acknowledgement) changes nothing.
    const entry = (await deliveries.getDelivery(deliveryId)).body.history.find((h) => h.status === 'picked_up');
    expect(entry?.reportId).toMatch(/^[0-9a-f-]{36}$/);
    const repeat = await MqttRecorder.connect(system.urls.mqtt, [], {
      username: 'rider',
      password: (await deliveries.riderToken(riderId)).body.token,
      clientId: 'repeat',
    });
    recorders.push(repeat);
    await repeat.client.publishAsync(
      topics.riderDeliveryStatus(riderId, deliveryId),
      JSON.stringify({ status: 'picked_up', at: entry?.at, reportId: entry?.reportId }),
      { qos: 1 },
    );
    await rider.report(order.orderNumber, 'On the way');
    await customer.track.waitForDeliveryStatus('On the way');
    const after = (await deliveries.getDelivery(deliveryId)).body;
    expect(after.history.map((h) => h.status)).toEqual(['awaiting_assignment', 'assigned', 'picked_up', 'in_transit']);
    expect(after.lastPosition).toMatchObject(positions[2]!);
    // Everything the rider sent has been applied by now (the ingest is serial): exactly the three
    // positions reached the customer, in order, and picked up once.
    expect(live(topics.orderLocation(order.id)).map((m) => ({ lat: m.payload.lat, lng: m.payload.lng }))).toEqual(positions);
    expectPickedUpOnce();
    expect(customer.errors).toEqual([]);
  }, 120_000);

  it('then a rider who blocks location gets a clear message and can still report progress', async () => {
    const { order } = await assignedOrder();
    const blocked = await browser.open(undefined, { phone: true });
    await blocked.context.clearPermissions();
    await blocked.page.goto(`${system.urls.web}/rider?t=${encodeURIComponent((await deliveries.riderToken(riderId)).body.token)}`);
    const app = new RiderApp(blocked.page);
    await app.waitForLocation('denied');
    await waitForText(blocked.page.locator(byTestId('location-text')), /^Location is blocked for this app.+You can still report your progress below\.$/);
    await app.report(order.orderNumber, 'Picked up');
    await app.waitForDelivery(order.orderNumber, 'Picked up');
    expect(blocked.errors).toEqual([]);
  }, 60_000);
});
