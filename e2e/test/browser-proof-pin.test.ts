import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { BrowserContext, Page } from 'playwright-core';
import { topics } from '@orderpulse/contracts';
import { deleteAmqpNamespace, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { describeIfAvailable } from '@orderpulse/service-kit/testing/suites';
import { AdminConsole, BrowserSession, byTestId, chromiumMissing, copyScreenshotToDocs, RiderApp, TrackPage, waitForText } from '../src/browser/index.js';
import { aNewOrder, DeliveryClient, MqttRecorder, shipNewOrder, TestTokens, startSystem, type RunningSystem } from '../src/harness/index.js';

const amqpUrl = process.env.AMQP_URL as string;
const QUEUES = ['notifier', 'delivery-service.orders', 'orders-service.delivery'];
const ADMIN = { username: 'admin', password: 'pin-e2e-password' };

/**
 * Issue 18 point 3, the PIN, through the real processes (broker, orders, delivery with
 * PROOF_OF_DELIVERY=pin, notifier, web-client, RabbitMQ) and three Chromium pages: the customer's
 * tracking page shows the PIN, the rider app refuses "delivered" until it is entered, says what
 * is wrong with a wrong one, locks after three, and the console unlocks it.
 */
describeIfAvailable('in the browser: when the shop asks for a PIN at the door', chromiumMissing(), () => {
  const namespace = testNamespace('pin');
  let system: RunningSystem;
  let browser: BrowserSession;
  let deliveries: DeliveryClient;
  let riderContext: BrowserContext;
  let riderPage: Page;
  let riderErrors: string[];
  const riderId = `rider-${Math.random().toString(36).slice(2, 8)}`;
  const recorders: MqttRecorder[] = [];

  beforeAll(async () => {
    system = await startSystem({
      amqpUrl,
      namespace,
      ports: 'free',
      env: { orders: { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password }, delivery: { PROOF_OF_DELIVERY: 'pin', PIN_MAX_ATTEMPTS: '3' } },
    });
    deliveries = new DeliveryClient(system.urls.delivery, await new TestTokens(system.jwtSecret).admin());
    expect((await deliveries.createRider({ id: riderId, name: 'Rosa Parks' })).status).toBe(201);
    browser = await BrowserSession.start();
    const opened = await browser.open(undefined, { phone: true });
    ({ context: riderContext, page: riderPage, errors: riderErrors } = opened);
    await riderContext.grantPermissions(['geolocation'], { origin: system.urls.web });
    await riderContext.setGeolocation({ latitude: 51.46, longitude: -2.58, accuracy: 8 });
    await riderPage.goto(`${system.urls.web}/rider?t=${encodeURIComponent((await deliveries.riderToken(riderId)).body.token)}`);
    await new RiderApp(riderPage).waitForConnection('live');
  }, 90_000);

  afterAll(async () => {
    for (const recorder of recorders) await recorder.close().catch(() => undefined);
    await browser?.close();
    await system?.stop();
    await deleteAmqpNamespace(amqpUrl, namespace, QUEUES);
  });

  it('then the customer sees the PIN, the rider cannot deliver without it, a wrong one is refused with the attempts left, three lock it until the console unlocks it, and the right one lets the rider deliver', async () => {
    const adminToken = await new TestTokens(system.jwtSecret).admin();
    const { order, deliveryId } = await shipNewOrder(system.urls, adminToken, aNewOrder());
    expect((await deliveries.assign(deliveryId, riderId)).status).toBe(200);
    const pin = (await deliveries.getDelivery(deliveryId)).body.proof?.pin as string;
    expect(pin).toMatch(/^[0-9]{4}$/);
    const wrong = (n: number) => String((Number(pin) + n) % 10_000).padStart(4, '0');

    const customer = await browser.open(TrackPage.url(system.urls.web, order.id, order.trackingToken), { phone: true });
    const track = new TrackPage(customer.page);
    await waitForText(customer.page.locator(byTestId('delivery-pin')), pin);
    await waitForText(
      customer.page.locator(byTestId('proof-text')),
      'Tell it to the rider when they hand you the parcel, not before: they need it to finish the delivery.',
    );

    const rider = new RiderApp(riderPage);
    await rider.waitForDelivery(order.orderNumber, 'Rider assigned');
    await rider.report(order.orderNumber, 'Picked up');
    await track.waitForDeliveryStatus('Picked up');
    const card = rider.card(order.orderNumber);
    expect(await card.getByRole('button', { name: 'Delivered', exact: true }).isDisabled()).toBe(true);
    expect(await card.innerText()).not.toContain(pin);
    // What the rider's phone gets over HTTP and MQTT has no PIN either.
    const riderToken = (await deliveries.riderToken(riderId)).body.token;
    const riderFeed = await MqttRecorder.connect(system.urls.mqtt, [topics.riderAssignments(riderId)], {
      username: 'rider',
      password: riderToken,
      clientId: `pin-rider-${namespace}`,
    });
    recorders.push(riderFeed);
    await riderFeed.waitFor(() => riderFeed.messages.length > 0, 'the retained assignments');
    expect(JSON.stringify(riderFeed.messages.map((m) => m.payload))).not.toContain(`"${pin}"`);
    expect(JSON.stringify((await new DeliveryClient(system.urls.delivery, riderToken).getDelivery(deliveryId)).body)).not.toContain(`"${pin}"`);

    // A "delivered" sent anyway (an old app, a forged report) is refused by delivery-service.
    const metric = async () =>
      Number(/^rider_reports_total\{kind="status",result="refused"[^}]*\} (\d+)$/m.exec(await (await fetch(system.urls.metrics.delivery)).text())?.[1] ?? 0);
    const refusedBefore = await metric();
    await riderFeed.client.publishAsync(
      topics.riderDeliveryStatus(riderId, deliveryId),
      JSON.stringify({ status: 'delivered', at: new Date().toISOString() }),
      { qos: 1 },
    );
    await waitFor(async () => (await metric()) > refusedBefore, 'the forged "delivered" to be refused');
    expect((await deliveries.getDelivery(deliveryId)).body.status).toBe('picked_up');

    await rider.enterPin(order.orderNumber, wrong(1));
    expect(await rider.proofError(order.orderNumber)).toBe("That PIN is not the customer's: check it with them (2 attempts left).");
    copyScreenshotToDocs(await browser.screenshot(riderPage, 'rider-pin-wrong'), 'rider-pin-wrong');
    await rider.enterPin(order.orderNumber, wrong(2));
    await waitForText(card.locator(byTestId('proof-error')), "That PIN is not the customer's: check it with them (1 attempt left).");
    await rider.enterPin(order.orderNumber, wrong(3));
    await waitForText(card.locator(byTestId('proof-error')), /no attempts left: the PIN is now locked, ask the shop to unlock it\)\.$/);
    await card.locator(`${byTestId('proof')}[data-locked="true"]`).waitFor({ state: 'attached' });
    expect(await card.getByLabel("Customer's PIN").isHidden()).toBe(true);
    await waitForText(customer.page.locator(byTestId('proof-text')), 'A wrong PIN was entered too many times. The shop has been told and will sort it out.');

    const consolePage = await browser.open(`${system.urls.web}/admin`);
    const admin = new AdminConsole(consolePage.page);
    await admin.logIn(ADMIN.username, ADMIN.password);
    await admin.openOrder(order.orderNumber);
    await waitForText(consolePage.page.locator(byTestId('delivery-proof')), `Proof: PIN ${pin} locked after too many wrong ones`);
    copyScreenshotToDocs(await browser.screenshot(consolePage.page, 'admin-pin-locked'), 'admin-pin-locked');
    await consolePage.page.getByRole('button', { name: 'Unlock PIN' }).click();
    await waitForText(consolePage.page.locator(byTestId('assign-result')), 'PIN unlocked: the rider can enter it again.');

    // The rider's list says unlocked: the PIN field is back.
    await card.getByLabel("Customer's PIN").waitFor({ state: 'visible' });
    await waitForText(customer.page.locator(byTestId('delivery-pin')), pin);
    copyScreenshotToDocs(await browser.screenshot(customer.page, 'track-pin'), 'track-pin');
    await rider.enterPin(order.orderNumber, pin);
    await waitForText(card.locator(byTestId('proof-result')), 'PIN checked: you can mark it delivered.');
    await rider.report(order.orderNumber, 'Delivered');
    await track.waitForStatus('Delivered');
    await waitForText(customer.page.locator(byTestId('proof-text')), 'The rider entered your PIN: the handover is confirmed.');
    await waitForText(consolePage.page.locator(byTestId('delivery-proof')), 'Proof: PIN entered by the rider');
    expect((await deliveries.getDelivery(deliveryId)).body.proof).toMatchObject({ givenAt: expect.any(String), failedPinAttempts: 0 });
    expect(customer.errors).toEqual([]);
    expect(consolePage.errors).toEqual([]);
    // Chromium logs each refused PIN (HTTP 400) as a console error: exactly the three wrong ones, nothing else.
    expect(riderErrors).toEqual(Array(3).fill('Failed to load resource: the server responded with a status of 400 (Bad Request)'));
  }, 150_000);
});
