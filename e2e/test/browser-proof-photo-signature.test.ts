import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { topics } from '@orderpulse/contracts';
import { deleteAmqpNamespace, testNamespace } from '@orderpulse/service-kit/testing';
import { describeIfAvailable } from '@orderpulse/service-kit/testing/suites';
import {
  AdminConsole,
  BrowserSession,
  byTestId,
  chromiumMissing,
  copyScreenshotToDocs,
  RiderApp,
  tilePng,
  TrackPage,
  waitForText,
} from '../src/browser/index.js';
import { aNewOrder, DeliveryClient, MqttRecorder, shipNewOrder, TestTokens, startSystem, type RunningSystem } from '../src/harness/index.js';

const amqpUrl = process.env.AMQP_URL as string;
const QUEUES = ['notifier', 'delivery-service.orders', 'orders-service.delivery'];
const ADMIN = { username: 'admin', password: 'proof-e2e-password' };

/**
 * Issue 18 points 3 and 4 through the real processes, with delivery-service set to ask for a
 * signature (PROOF_OF_DELIVERY=signature): an order to hand over needs the customer's signature,
 * drawn on the rider's phone; an order to leave at the door needs a photo, taken with the phone's
 * camera (a file input with `capture`, given an image here). The instructions reach the assigned
 * rider and the console, never the customer's page or topics nor another rider. The image is
 * shown to the order's customer and admins only.
 */
describeIfAvailable('in the browser: when the shop asks for a signature, or a photo for parcels left at the door', chromiumMissing(), () => {
  const namespace = testNamespace('proof');
  let system: RunningSystem;
  let browser: BrowserSession;
  let deliveries: DeliveryClient;
  let adminToken: string;
  let riderPage: Page;
  let riderErrors: string[];
  let rider: RiderApp;
  let admin: AdminConsole;
  let adminErrors: string[];
  const riderId = `rider-${Math.random().toString(36).slice(2, 8)}`;
  const otherRiderId = `other-${Math.random().toString(36).slice(2, 8)}`;
  const recorders: MqttRecorder[] = [];

  beforeAll(async () => {
    system = await startSystem({
      amqpUrl,
      namespace,
      ports: 'free',
      env: { orders: { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password }, delivery: { PROOF_OF_DELIVERY: 'signature' } },
    });
    adminToken = await new TestTokens(system.jwtSecret).admin();
    deliveries = new DeliveryClient(system.urls.delivery, adminToken);
    for (const [id, name] of [
      [riderId, 'Rosa Parks'],
      [otherRiderId, 'Other Rider'],
    ] as const)
      expect((await deliveries.createRider({ id, name })).status).toBe(201);
    browser = await BrowserSession.start();
    const opened = await browser.open(undefined, { phone: true });
    ({ page: riderPage, errors: riderErrors } = opened);
    await opened.context.grantPermissions(['geolocation'], { origin: system.urls.web });
    await opened.context.setGeolocation({ latitude: 51.451, longitude: -2.597, accuracy: 8 });
    await riderPage.goto(`${system.urls.web}/rider?t=${encodeURIComponent((await deliveries.riderToken(riderId)).body.token)}`);
    rider = new RiderApp(riderPage);
    await rider.waitForConnection('live');
    const consolePage = await browser.open(`${system.urls.web}/admin`);
    admin = new AdminConsole(consolePage.page);
    adminErrors = consolePage.errors;
    await admin.logIn(ADMIN.username, ADMIN.password);
  }, 90_000);

  afterAll(async () => {
    for (const recorder of recorders) await recorder.close().catch(() => undefined);
    await browser?.close();
    await system?.stop();
    await deleteAmqpNamespace(amqpUrl, namespace, QUEUES);
  });

  /** An order with instructions and a method, shipped and assigned to the rider; the customer's page and what their MQTT topics carried. */
  async function orderFor(method: 'hand_to_customer' | 'leave_at_door', instructions: string) {
    const { order, deliveryId } = await shipNewOrder(system.urls, adminToken, aNewOrder({ deliveryMethod: method, deliveryInstructions: instructions }));
    expect((await deliveries.assign(deliveryId, riderId)).status).toBe(200);
    const watcher = await MqttRecorder.connect(
      system.urls.mqtt,
      [topics.orderStatus(order.id), topics.orderTracking(order.id), topics.orderLocation(order.id)],
      {
        username: 'customer',
        password: order.trackingToken,
        clientId: `proof-watch-${order.id.slice(0, 8)}`,
      },
    );
    recorders.push(watcher);
    const customer = await browser.open(TrackPage.url(system.urls.web, order.id, order.trackingToken), { phone: true });
    const track = new TrackPage(customer.page);
    await track.waitForRider('Rosa Parks');
    await rider.waitForDelivery(order.orderNumber, 'Rider assigned');
    return { order, deliveryId, watcher, customer, track };
  }

  /** What only the order's customer and admins may read; a stranger's token, another order's customer, another rider: 403. */
  async function expectImageFor(deliveryId: string, allowed: string[], refused: string[]): Promise<Buffer> {
    const read = (token: string) => fetch(`${system.urls.delivery}/deliveries/${deliveryId}/proof/file`, { headers: { authorization: `Bearer ${token}` } });
    let bytes = Buffer.alloc(0);
    for (const token of allowed) {
      const response = await read(token);
      expect(response.status).toBe(200);
      bytes = Buffer.from(await response.arrayBuffer());
    }
    for (const token of refused) expect((await read(token)).status).toBe(403);
    return bytes;
  }

  it('then the rider sees the instructions and the customer signs on the phone; the signature is shown to the customer and the console, and to nobody else', async () => {
    const { order, deliveryId, watcher, customer, track } = await orderFor('hand_to_customer', 'Gate code 4711, ring twice');
    const card = rider.card(order.orderNumber);
    await waitForText(card.locator(byTestId('instructions')), 'Instructions: Gate code 4711, ring twice');
    await waitForText(card.locator(byTestId('delivery-method')), 'Hand it to the customer');
    await admin.openOrder(order.orderNumber);
    await waitForText(admin.page.locator(byTestId('delivery-handover')), 'Method: hand to the customer · Instructions: Gate code 4711, ring twice');
    await waitForText(customer.page.locator(byTestId('proof-text')), 'You will be asked to sign on the rider’s phone.');

    await rider.report(order.orderNumber, 'Picked up');
    await track.waitForDeliveryStatus('Picked up');
    expect(await card.getByRole('button', { name: 'Delivered', exact: true }).isDisabled()).toBe(true);
    await card.getByRole('button', { name: 'Save signature' }).click();
    await waitForText(card.locator(byTestId('proof-error')), 'Ask the customer to sign in the box first.');

    // The customer signs with a finger (a mouse here): a few strokes across the pad.
    const pad = card.locator(byTestId('signature-pad'));
    await pad.scrollIntoViewIfNeeded();
    const box = (await pad.boundingBox())!;
    await riderPage.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.7);
    await riderPage.mouse.down();
    for (let i = 1; i <= 12; i += 1)
      await riderPage.mouse.move(box.x + box.width * (0.1 + i * 0.065), box.y + box.height * (0.7 - Math.sin(i / 2) * 0.4), { steps: 3 });
    await riderPage.mouse.up();
    copyScreenshotToDocs(await browser.screenshot(riderPage, 'rider-signature'), 'rider-signature');
    await card.getByRole('button', { name: 'Save signature' }).click();
    await waitForText(card.locator(byTestId('proof-result')), 'Signature saved: you can mark it delivered.');
    await rider.report(order.orderNumber, 'Delivered');
    await track.waitForStatus('Delivered');

    await customer.page.locator(`${byTestId('proof-image')}[src^="data:image/png;base64,"]`).waitFor({ state: 'visible' });
    await waitForText(customer.page.locator(byTestId('proof-text')), 'Signed at the door.');
    await admin.page.locator(`${byTestId('proof-image')}[src^="data:image/png;base64,"]`).waitFor({ state: 'visible' });
    await waitForText(admin.page.locator(byTestId('delivery-proof')), 'Proof: signature stored');
    const tokens = new TestTokens(system.jwtSecret);
    const png = await expectImageFor(
      deliveryId,
      [order.trackingToken, adminToken],
      [await tokens.customer('9c0d2b57-0d0a-4d8b-9a55-1b2c3d4e5f60'), await tokens.rider(otherRiderId)],
    );
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect((await deliveries.getDelivery(deliveryId)).body.proof?.file).toMatchObject({ kind: 'signature', contentType: 'image/png', bytes: png.length });

    // The instructions never reached the customer: not on the page, not on their topics.
    expect(await customer.page.locator('body').innerText()).not.toContain('4711');
    expect(watcher.messages.length).toBeGreaterThan(0);
    expect(JSON.stringify(watcher.messages.map((m) => m.payload))).not.toContain('4711');
    copyScreenshotToDocs(await browser.screenshot(customer.page, 'track-signature'), 'track-signature');
    expect(customer.errors).toEqual([]);
  }, 120_000);

  it("then a parcel left at the door needs a photo from the phone's camera, scaled down before it is sent; the instructions stay with the rider", async () => {
    const { order, deliveryId, watcher, customer, track } = await orderFor('leave_at_door', 'Leave it behind the blue gate');
    const card = rider.card(order.orderNumber);
    await waitForText(card.locator(byTestId('instructions')), 'Instructions: Leave it behind the blue gate');
    await waitForText(card.locator(byTestId('delivery-method')), 'Leave it at the door');
    // Another rider's phone: no such delivery in their list, and the delivery is not theirs to read.
    const other = new DeliveryClient(system.urls.delivery, (await deliveries.riderToken(otherRiderId)).body.token);
    expect((await other.getDelivery(deliveryId)).status).toBe(403);
    const otherFeed = await MqttRecorder.connect(system.urls.mqtt, [topics.riderAssignments(otherRiderId)], {
      username: 'rider',
      password: (await deliveries.riderToken(otherRiderId)).body.token,
      clientId: `proof-other-${namespace}`,
    });
    recorders.push(otherFeed);
    await expect(otherFeed.client.subscribeAsync(topics.riderAssignments(riderId), { qos: 1 })).rejects.toThrow('Subscribe error');

    await rider.report(order.orderNumber, 'Picked up');
    await track.waitForDeliveryStatus('Picked up');
    await waitForText(customer.page.locator(byTestId('proof-text')), 'The rider will take a photo of your parcel where they leave it.');
    expect(await card.getByRole('button', { name: 'Delivered', exact: true }).isDisabled()).toBe(true);
    const photoInput = card.getByLabel('Take a photo of the parcel where you leave it');
    expect(await photoInput.getAttribute('capture')).toBe('environment');
    // The camera's picture: 2400 px wide, sent at most 1600 px wide as JPEG.
    await photoInput.setInputFiles({ name: 'IMG_0042.png', mimeType: 'image/png', buffer: tilePng([196, 140, 84], [60, 60, 60], 2400) });
    await waitForText(card.locator(byTestId('proof-result')), 'Photo saved: you can mark it delivered.');
    await rider.report(order.orderNumber, 'Delivered');
    await track.waitForStatus('Delivered');
    await customer.page.locator(`${byTestId('proof-image')}[src^="data:image/jpeg;base64,"]`).waitFor({ state: 'visible' });
    await waitForText(customer.page.locator(byTestId('proof-text')), 'The rider took this photo where they left your parcel.');
    const width = await customer.page.locator(byTestId('proof-image')).evaluate((img) => (img as HTMLImageElement).naturalWidth);
    expect(width).toBe(1600);

    const jpeg = await expectImageFor(deliveryId, [order.trackingToken, adminToken], [await new TestTokens(system.jwtSecret).rider(otherRiderId)]);
    expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect(await customer.page.locator('body').innerText()).not.toContain('blue gate');
    expect(JSON.stringify(watcher.messages.map((m) => m.payload))).not.toContain('blue gate');
    expect(JSON.stringify(otherFeed.messages.map((m) => m.payload))).not.toContain('blue gate');
    copyScreenshotToDocs(await browser.screenshot(customer.page, 'track-photo'), 'track-photo');
    await admin.openOrder(order.orderNumber);
    await admin.page.locator(`${byTestId('proof-image')}[src^="data:image/jpeg;base64,"]`).waitFor({ state: 'visible' });
    copyScreenshotToDocs(await browser.screenshot(admin.page, 'admin-proof-photo'), 'admin-proof-photo');
    expect(customer.errors).toEqual([]);
    expect(adminErrors).toEqual([]);
    expect(riderErrors).toEqual([]);
  }, 120_000);
});
