import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { topics, type DeliverySnapshot } from '@orderpulse/contracts';
import { deleteAmqpNamespace, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { describeIfAvailable } from '@orderpulse/service-kit/testing/suites';
import { AdminConsole, BrowserSession, byTestId, chromiumMissing, copyScreenshotToDocs, TrackPage, waitForAttribute } from '../src/browser/index.js';
import { DeliveryClient, MqttRecorder, OrdersClient, shipNewOrder, startSystem, TestTokens, type RunningSystem } from '../src/harness/index.js';

const amqpUrl = process.env.AMQP_URL as string;
const QUEUES = ['notifier', 'delivery-service.orders', 'orders-service.delivery'];
const ADMIN = { username: 'admin', password: 'browser-e2e-password' };
/** Positions on the ride, one a second: the ride takes this long in real time, so it replays at a measurable pace. */
const RIDE_POSITIONS = 10;

interface ReplaySample {
  wall: number;
  offset: number;
  steps: number;
  points: number;
}

/** A kept hop row, as GET /hop-history/:orderId returns it. */
interface KeptRow {
  kind: string;
  status?: string;
  writtenAt?: string;
  confirmedAt?: string;
  brokerAt?: string;
  deviceAt?: string;
  watching?: boolean;
}

async function keptRows(serviceUrl: string, token: string, orderId: string): Promise<KeptRow[]> {
  const response = await fetch(`${serviceUrl}/hop-history/${orderId}`, { headers: { authorization: `Bearer ${token}` } });
  return response.ok ? ((await response.json()) as { rows: KeptRow[] }).rows : [];
}

/**
 * A new order shipped through the API, picked up by a new rider (an mqtt.js client with a rider
 * token), `positions` reports `paceMs` apart on the way to the address, then delivered; resolves
 * once orders-service has the order delivered. Returns the positions ridden, the first one
 * being the pick-up's. `beforePickUp` runs once the rider is assigned (e.g. a customer page opens).
 */
async function deliverAfterARide(
  system: RunningSystem,
  positions: number,
  paceMs: number,
  beforePickUp?: (order: { id: string; trackingToken: string }) => Promise<void>,
) {
  const adminToken = await new TestTokens(system.jwtSecret).admin();
  const deliveries = new DeliveryClient(system.urls.delivery, adminToken);
  const { order, deliveryId } = await shipNewOrder(system.urls, adminToken);
  const created = await deliveries.createRider({ name: `Ada Replay ${order.orderNumber.slice(3, 7)}` });
  expect(created.status).toBe(201);
  expect((await deliveries.assign(deliveryId, created.body.id)).status).toBe(200);
  const rider = await MqttRecorder.connect(system.urls.mqtt, [], {
    clientId: `rider-${order.id}`,
    username: 'rider',
    password: (await deliveries.riderToken(created.body.id)).body.token,
  });
  try {
    await beforePickUp?.(order);
    const statusTopic = topics.riderDeliveryStatus(created.body.id, deliveryId);
    const applied = (check: (d: DeliverySnapshot) => boolean, what: string) =>
      waitFor(async () => check((await deliveries.getDelivery(deliveryId)).body), what, 10_000);
    const start = { lat: 51.461, lng: -2.579 };
    const address = order.deliveryAddress as { lat: number; lng: number };
    const ridden: Array<{ lat: number; lng: number }> = [start];
    await rider.client.publishAsync(statusTopic, JSON.stringify({ status: 'picked_up', at: new Date().toISOString(), ...start }), { qos: 1 });
    await applied((d) => d.status === 'picked_up', 'picked_up to be applied');
    await rider.client.publishAsync(statusTopic, JSON.stringify({ status: 'in_transit', at: new Date().toISOString() }), { qos: 1 });
    for (let i = 1; i <= positions; i += 1) {
      // Pacing the ride in real time (the scenario, not a synchronisation: each report is awaited through its effect).
      await new Promise((resolve) => setTimeout(resolve, paceMs));
      const share = i / (positions + 1);
      const position = { lat: +(start.lat + (address.lat - start.lat) * share).toFixed(5), lng: +(start.lng + (address.lng - start.lng) * share).toFixed(5) };
      const at = new Date().toISOString();
      ridden.push(position);
      await rider.client.publishAsync(topics.riderLocation(created.body.id), JSON.stringify({ ...position, at }), { qos: 1 });
      await applied((d) => d.lastPosition?.at === at, `position ${i} to be applied`);
    }
    await rider.client.publishAsync(statusTopic, JSON.stringify({ status: 'delivered', at: new Date().toISOString() }), { qos: 1 });
    await waitFor(
      async () => (await new OrdersClient(system.urls.orders, adminToken).getOrder(order.id)).body.status === 'delivered',
      'the order to be delivered',
      20_000,
    );
    return { order, ridden };
  } finally {
    await rider.close();
  }
}

/**
 * Replay of a delivered order in the admin console, against the whole system as real processes:
 * the order is walked to shipped through the API, a rider (an mqtt.js client with a rider token)
 * picks it up, rides for 10 s reporting positions and delivers it while the customer's tracking
 * page watches; orders-service and delivery-service are restarted (their live receipts are gone),
 * and the console then replays the stored statuses, positions and hop times.
 */
describeIfAvailable('in the browser: when an admin replays a delivered order', chromiumMissing(), () => {
  const namespace = testNamespace('replay');
  let system: RunningSystem;
  let browser: BrowserSession;

  beforeAll(async () => {
    system = await startSystem({ amqpUrl, namespace, ports: 'free', env: { orders: { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password } } });
    browser = await BrowserSession.start();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    await deleteAmqpNamespace(amqpUrl, namespace, QUEUES);
  });

  it('then the timeline shows the statuses in time order, each with its kept hop times, and the path advances at the chosen speed until the order is delivered', async () => {
    const adminToken = await new TestTokens(system.jwtSecret).admin();
    let customer: Awaited<ReturnType<BrowserSession['open']>> | undefined;
    const { order, ridden } = await deliverAfterARide(system, RIDE_POSITIONS, 1_000, async (shipped) => {
      customer = await browser.open(TrackPage.url(system.urls.web, shipped.id, shipped.trackingToken), { phone: true });
      const track = new TrackPage(customer.page);
      await track.waitForDeliveryStatus('Rider assigned');
      await track.waitForConnection('live');
    });
    // The pick-up's four times are kept (its device receipt from the watching page), and the order's delivered status confirmed.
    await waitFor(
      async () => (await keptRows(system.urls.delivery, adminToken, order.id)).some((r) => r.status === 'picked_up' && r.deviceAt && r.confirmedAt),
      "the pick-up's kept device receipt",
      20_000,
    );
    await waitFor(
      async () => (await keptRows(system.urls.orders, adminToken, order.id)).some((r) => r.status === 'delivered' && r.confirmedAt),
      "the order's kept confirm of delivered",
      20_000,
    );
    await customer?.page.close();
    // Both services start again: what RabbitMQ confirmed lives on only in what they stored.
    for (const name of ['orders', 'delivery'] as const) {
      await system.processes.get(name)!.stop();
      await system.restart(name);
    }
    for (const url of [system.urls.orders, system.urls.delivery]) {
      const live = await fetch(`${url}/receipts/${order.id}`, { headers: { authorization: `Bearer ${adminToken}` } });
      expect(((await live.json()) as { receipts: unknown[] }).receipts).toEqual([]);
    }

    const opened = await browser.open(`${system.urls.web}/admin`);
    const admin = new AdminConsole(opened.page);
    const page = opened.page;
    await admin.logIn(ADMIN.username, ADMIN.password);
    await admin.openOrder(order.orderNumber);
    await page.getByRole('button', { name: 'Replay this order' }).click();
    await waitForAttribute(page, 'replay', 'data-state', 'paused');

    const steps = await page.locator(`${byTestId('replay-timeline')} li`).evaluateAll((items) =>
      items.map((li) => ({
        step: `${li.getAttribute('data-kind')}:${li.getAttribute('data-status')}`,
        at: li.querySelector('time')?.getAttribute('datetime') ?? '',
      })),
    );
    const orderSteps = steps.filter((s) => s.step.startsWith('order:')).map((s) => s.step);
    const deliverySteps = steps.filter((s) => s.step.startsWith('delivery:')).map((s) => s.step);
    expect(orderSteps).toEqual(['pending', 'confirmed', 'processing', 'shipped', 'out_for_delivery', 'delivered'].map((s) => `order:${s}`));
    expect(deliverySteps).toEqual(['awaiting_assignment', 'assigned', 'picked_up', 'in_transit', 'delivered'].map((s) => `delivery:${s}`));
    const times = steps.map((s) => Date.parse(s.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(steps.findIndex((s) => s.step === 'delivery:picked_up')).toBeLessThan(steps.findIndex((s) => s.step === 'order:out_for_delivery'));
    const replay = page.locator(byTestId('replay'));
    expect(await replay.getAttribute('data-points-reached')).toBe('0');
    expect(await replay.getAttribute('data-steps-reached')).toBe('1');
    // The hop times of a change show once the replay reaches it.
    const hopsOf = (kind: string, status: string) =>
      page.locator(`${byTestId('replay-timeline')} li[data-kind="${kind}"][data-status="${status}"] ${byTestId('replay-hops')}`);
    expect(await hopsOf('delivery', 'picked_up').isHidden()).toBe(true);

    // Every change of the replay's position, with the page's own clock, from Play to the end.
    await page.evaluate(() => {
      const element = document.querySelector('[data-testid="replay"]') as HTMLElement;
      const samples: ReplaySample[] = [];
      (window as unknown as { replaySamples: ReplaySample[] }).replaySamples = samples;
      new MutationObserver(() =>
        samples.push({
          wall: performance.now(),
          offset: Number(element.dataset.offsetMs),
          steps: Number(element.dataset.stepsReached),
          points: Number(element.dataset.pointsReached),
        }),
      ).observe(element, { attributes: true, attributeFilter: ['data-offset-ms'] });
    });
    await page.getByLabel('Speed').selectOption({ label: '10×' });
    expect(await replay.getAttribute('data-speed')).toBe('10');
    await page.locator(byTestId('replay-play')).click();
    await waitForAttribute(page, 'replay', 'data-state', 'ended', 30_000);

    const samples = await page.evaluate(() => (window as unknown as { replaySamples: ReplaySample[] }).replaySamples);
    const last = samples.at(-1)!;
    expect(last.points).toBe(RIDE_POSITIONS + 1);
    expect(last.steps).toBe(steps.length);
    // The path advanced position by position (never back), not all at once.
    expect(samples.map((s) => s.points)).toEqual([...samples.map((s) => s.points)].sort((a, b) => a - b));
    expect(new Set(samples.map((s) => s.points)).size).toBeGreaterThan(RIDE_POSITIONS / 2);
    // Story time ran at 10× the page's clock (the end is clamped, so it is left out).
    const running = samples.filter((s) => s.offset < last.offset);
    const first = running[0]!;
    const before = running.at(-1)!;
    expect(before.wall - first.wall).toBeGreaterThan(500);
    const rate = (before.offset - first.offset) / (before.wall - first.wall);
    expect(rate).toBeGreaterThan(8);
    expect(rate).toBeLessThan(12);
    expect(await replay.getAttribute('data-rider')).toBe(`${ridden.at(-1)!.lat},${ridden.at(-1)!.lng}`);
    expect(await page.locator(`${byTestId('replay-timeline')} li[data-reached="false"]`).count()).toBe(0);

    // The pick-up, watched by the customer's page: written, confirmed, broker accepted and the device, from stored history.
    const pickUp = hopsOf('delivery', 'picked_up');
    expect(await pickUp.isVisible()).toBe(true);
    const timesOf = (hops: typeof pickUp, names: string[]) =>
      Promise.all(names.map(async (hop) => Number(await hops.locator(`[data-hop="${hop}"]`).getAttribute('data-at'))));
    const [written, confirmed, broker, device] = await timesOf(pickUp, ['written', 'confirmed', 'broker', 'device']);
    for (const time of [written, confirmed, broker, device]) expect(time).toBeGreaterThan(0);
    // RabbitMQ may confirm after it delivered to the notifier; the broker hands the message on before it PUBACKs the notifier.
    expect(written).toBeLessThanOrEqual(confirmed!);
    expect(written).toBeLessThanOrEqual(broker!);
    expect(written).toBeLessThanOrEqual(device!);
    expect(device! - written!).toBeLessThan(10_000);
    expect(await pickUp.textContent()).toMatch(
      /^written \d\d:\d\d:\d\d\.\d{3} → RabbitMQ confirmed \d\d:\d\d:\d\d\.\d{3} \(\+\d+ ms\) → broker accepted \d\d:\d\d:\d\d\.\d{3} \(\+\d+ ms\) → first customer device \d\d:\d\d:\d\d\.\d{3} \(\+\d+ ms\)$/,
    );
    // The order's creation, before any page watched: confirmed by orders-service's relay, and nobody watching.
    const placed = hopsOf('order', 'pending');
    const [placedWritten, placedConfirmed, placedBroker] = await timesOf(placed, ['written', 'confirmed', 'broker']);
    expect(placedWritten).toBeLessThanOrEqual(placedConfirmed!);
    expect(placedWritten).toBeLessThanOrEqual(placedBroker!);
    expect(await placed.locator('[data-hop="device"]').textContent()).toBe('no customer device was watching');

    copyScreenshotToDocs(await browser.screenshot(page, 'admin-replay'), 'admin-replay');
    expect(opened.errors).toEqual([]);
  }, 120_000);
});

/** The customer's page after delivery: the ridden path only where the site allows it (off by default). */
describeIfAvailable("in the browser: when the customer's tracking page shows a delivered order", chromiumMissing(), () => {
  const cases = [
    { name: 'by default', env: {}, shown: false },
    {
      name: 'with CUSTOMER_TRACK_AFTER_DELIVERY and CUSTOMER_PATH_AFTER_DELIVERY on',
      env: { delivery: { CUSTOMER_TRACK_AFTER_DELIVERY: 'true' }, web: { CUSTOMER_PATH_AFTER_DELIVERY: 'true' } },
      shown: true,
    },
  ] as const;

  it.each(cases)(
    '$name, then the path is shown: $shown',
    async ({ env, shown }) => {
      const namespace = testNamespace('replay-customer');
      const system = await startSystem({ amqpUrl, namespace, ports: 'free', env });
      const browser = await BrowserSession.start();
      try {
        const { order, ridden } = await deliverAfterARide(system, 3, 0);
        const customer = await browser.open(undefined, { phone: true });
        const asked: string[] = [];
        customer.page.on('request', (request) => {
          if (request.url().includes('/track')) asked.push(request.url());
        });
        await customer.page.goto(TrackPage.url(system.urls.web, order.id, order.trackingToken));
        const track = new TrackPage(customer.page);
        await track.waitForStatus('Delivered');
        await track.waitForDeliveryStatus('Delivered');
        const path = customer.page.locator(byTestId('delivered-path'));
        if (shown) {
          await path.waitFor({ state: 'visible', timeout: 20_000 });
          expect(await path.getAttribute('data-points')).toBe(String(ridden.length));
          copyScreenshotToDocs(await browser.screenshot(customer.page, 'track-delivered-path'), 'track-delivered-path');
        } else {
          // The page never asks: the setting is off, so nothing about the path leaves delivery-service.
          expect(asked.filter((url) => url.startsWith(system.urls.delivery))).toEqual([]);
          expect(await path.count()).toBe(0);
        }
        expect(customer.errors).toEqual([]);
      } finally {
        await browser.close();
        await system.stop();
        await deleteAmqpNamespace(amqpUrl, namespace, QUEUES);
      }
    },
    120_000,
  );
});
