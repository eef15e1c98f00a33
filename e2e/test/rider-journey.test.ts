import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import type { DeliverySnapshot, OrderSnapshot } from '@orderpulse/contracts';
import { topics } from '@orderpulse/contracts';
import { deleteAmqpNamespace, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { DeliveryClient, MqttRecorder, OrdersClient, TestTokens, startSystem, type RunningSystem } from '../src/harness/index.js';

const amqpUrl = process.env.AMQP_URL as string;
const QUEUES = ['notifier', 'delivery-service.orders', 'orders-service.delivery'];
const now = () => performance.timeOrigin + performance.now();

// A short ride towards the delivery address used by aNewOrder() (Bristol harbourside).
const ROUTE = [
  { lat: 51.4545, lng: -2.5879 },
  { lat: 51.4528, lng: -2.5912 },
  { lat: 51.4511, lng: -2.5941 },
];

/**
 * The whole journey, every part real: an order ships, a delivery is created and assigned, the
 * rider's device reports over MQTT, and the customer's subscription follows along.
 */
describe('when a rider reports progress, then the customer sees it live', () => {
  const namespace = testNamespace('ride');
  let system: RunningSystem;
  let tokens: TestTokens;
  let orders: OrdersClient;
  let deliveries: DeliveryClient;
  let riderId: string;
  let rider: MqttRecorder;
  const timings: Array<{ what: string; ms: number }> = [];

  beforeAll(async () => {
    system = await startSystem({ amqpUrl, namespace, ports: 'free', services: ['broker', 'orders', 'delivery', 'notifier'] });
    tokens = new TestTokens(system.jwtSecret);
    const admin = await tokens.admin();
    orders = new OrdersClient(system.urls.orders, admin);
    deliveries = new DeliveryClient(system.urls.delivery, admin);
    const created = await deliveries.createRider({ name: 'Rosa Parks' });
    expect(created.status).toBe(201);
    riderId = created.body.id;
    const issued = await deliveries.riderToken(riderId);
    expect(issued.status).toBe(201);
    rider = await MqttRecorder.connect(system.urls.mqtt, [topics.riderAssignments(riderId)], {
      clientId: `rider-${namespace}`,
      username: 'rider',
      password: issued.body.token,
    });
  }, 60_000);

  afterAll(async () => {
    await rider?.close();
    await system?.stop();
    await deleteAmqpNamespace(amqpUrl, namespace, QUEUES);
    if (timings.length) process.stdout.write(`\nrider publish → customer receipt (ms): ${timings.map((t) => `${t.what} ${t.ms.toFixed(1)}`).join(', ')}\n`);
  });

  async function shippedOrderWithCustomer(): Promise<{ order: OrderSnapshot; customer: MqttRecorder; delivery: DeliverySnapshot }> {
    const order = (await orders.createOrder()).body;
    const customer = await MqttRecorder.connect(
      system.urls.mqtt,
      [topics.orderStatus(order.id), topics.orderTracking(order.id), topics.orderLocation(order.id)],
      { clientId: `customer-${order.id}`, username: 'customer', password: await tokens.customer(order.id) },
    );
    for (const status of ['confirmed', 'processing', 'shipped'] as const) {
      expect((await orders.changeStatus(order.id, status === 'shipped' ? { status, trackingNumber: 'TRK-9' } : { status })).status).toBe(200);
    }
    const delivery = await waitFor(() => deliveries.deliveryOf(order.id), 'the delivery created from order.status_changed → shipped');
    expect(delivery.status).toBe('awaiting_assignment');
    return { order, customer, delivery };
  }

  async function riderReports(topic: string, payload: Record<string, unknown>) {
    const sentAt = now();
    await rider.client.publishAsync(topic, JSON.stringify(payload), { qos: 1 });
    return sentAt;
  }

  it('then tracking grows through assigned, picked_up, in_transit with positions and an ETA, and the order ends delivered', async () => {
    const { order, customer, delivery } = await shippedOrderWithCustomer();
    try {
      const tracking = topics.orderTracking(order.id);
      await customer.waitFor((ms) => ms.find((m) => m.topic === tracking && m.payload.status === 'awaiting_assignment'), 'tracking: awaiting_assignment');

      expect((await deliveries.assign(delivery.id, riderId)).status).toBe(200);
      const assigned = await customer.waitFor((ms) => ms.find((m) => m.topic === tracking && m.payload.status === 'assigned'), 'tracking: assigned');
      expect(assigned.payload.rider).toMatchObject({ id: riderId, name: 'Rosa Parks' });
      const assignments = await rider.waitFor(
        (ms) => ms.find((m) => (m.payload.deliveries as Array<{ deliveryId: string }> | undefined)?.some((d) => d.deliveryId === delivery.id)),
        "the delivery in the rider's assignments",
      );
      expect(assignments.retained || assignments.payload.riderId === riderId).toBe(true);

      const statusTopic = topics.riderDeliveryStatus(riderId, delivery.id);
      const [start, middle, end] = ROUTE as [(typeof ROUTE)[0], (typeof ROUTE)[0], (typeof ROUTE)[0]];
      let sentAt = await riderReports(statusTopic, { status: 'picked_up', at: new Date().toISOString(), ...start });
      const pickedUp = await customer.waitFor((ms) => ms.find((m) => m.topic === tracking && m.payload.status === 'picked_up'), 'tracking: picked_up');
      timings.push({ what: 'picked_up', ms: pickedUp.receivedAt - sentAt });
      const outForDelivery = await customer.waitFor(
        (ms) => ms.find((m) => m.topic === topics.orderStatus(order.id) && m.payload.status === 'out_for_delivery'),
        'order status: out_for_delivery',
      );
      expect(outForDelivery.payload.version).toBe(5);

      sentAt = await riderReports(statusTopic, { status: 'in_transit', at: new Date().toISOString(), ...middle });
      const inTransit = await customer.waitFor((ms) => ms.find((m) => m.topic === tracking && m.payload.status === 'in_transit'), 'tracking: in_transit');
      timings.push({ what: 'in_transit', ms: inTransit.receivedAt - sentAt });

      sentAt = await riderReports(topics.riderLocation(riderId), { ...end, heading: 200, at: new Date().toISOString() });
      const location = await customer.waitFor(
        (ms) => ms.find((m) => m.topic === topics.orderLocation(order.id) && m.payload.lat === end.lat),
        'the location of the last position',
      );
      timings.push({ what: 'location', ms: location.receivedAt - sentAt });
      expect(location.payload).toMatchObject({ lat: end.lat, lng: end.lng, heading: 200 });
      const eta = location.payload.eta as { minutes: number; distanceKm: number; basedOnPositionAt: string };
      expect(eta.distanceKm).toBeGreaterThan(0);
      expect(eta.distanceKm).toBeLessThan(2);
      expect(eta.basedOnPositionAt).toBe(location.payload.at);
      const trackingWithEta = await customer.waitFor(
        (ms) =>
          ms.find((m) => m.topic === tracking && (m.payload.eta as { basedOnPositionAt?: string } | undefined)?.basedOnPositionAt === location.payload.at),
        'tracking carrying the ETA from the last position',
      );
      expect(trackingWithEta.payload.status).toBe('in_transit');

      sentAt = await riderReports(statusTopic, { status: 'delivered', at: new Date().toISOString(), note: 'left with neighbour' });
      const delivered = await customer.waitFor((ms) => ms.find((m) => m.topic === tracking && m.payload.status === 'delivered'), 'tracking: delivered');
      timings.push({ what: 'delivered', ms: delivered.receivedAt - sentAt });
      const history = (delivered.payload.history as Array<{ status: string }>).map((h) => h.status);
      expect(history).toEqual(['awaiting_assignment', 'assigned', 'picked_up', 'in_transit', 'delivered']);

      const versions = customer.on(tracking).map((m) => m.payload.version as number);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      await waitFor(async () => (await orders.getOrder(order.id)).body.status === 'delivered', 'the order to end delivered');
      const finalStatus = await customer.waitFor(
        (ms) => ms.find((m) => m.topic === topics.orderStatus(order.id) && m.payload.status === 'delivered'),
        'order status: delivered',
      );
      expect(finalStatus.payload.version).toBe(6);
    } finally {
      await customer.close();
    }
  });

  it('when delivery-service restarts while the rider publishes 50 reports, then every one is applied once', async () => {
    const { order, customer, delivery } = await shippedOrderWithCustomer();
    await customer.close();
    expect((await deliveries.assign(delivery.id, riderId)).status).toBe(200);
    const before = await waitFor(async () => {
      const d = (await deliveries.getDelivery(delivery.id)).body;
      return d.status === 'assigned' && d;
    }, 'the delivery to be assigned');

    const stopped = await system.processes.get('delivery')!.stop('SIGTERM');
    expect(stopped).toBe(0);
    const statusTopic = topics.riderDeliveryStatus(riderId, delivery.id);
    const base = Date.now();
    // 100 ms apart: dated within delivery-service's 30 s allowance for a clock ahead of its own.
    const at = (i: number) => new Date(base + i * 100).toISOString();
    await rider.client.publishAsync(statusTopic, JSON.stringify({ status: 'picked_up', at: at(0), lat: 51.46, lng: -2.58 }), { qos: 1 });
    await rider.client.publishAsync(statusTopic, JSON.stringify({ status: 'in_transit', at: at(1) }), { qos: 1 });
    for (let i = 2; i < 49; i += 1) {
      await rider.client.publishAsync(topics.riderLocation(riderId), JSON.stringify({ lat: 51.46 - i * 0.0002, lng: -2.58 - i * 0.0002, at: at(i) }), {
        qos: 1,
      });
    }
    await rider.client.publishAsync(statusTopic, JSON.stringify({ status: 'delivered', at: at(49) }), { qos: 1 });

    await system.restart('delivery');
    const after = await waitFor(
      async () => {
        const d = (await deliveries.getDelivery(delivery.id)).body;
        return d.status === 'delivered' && d;
      },
      'all 50 reports to be applied after the restart',
      20_000,
    );
    expect(after.version).toBe(before.version + 50);
    expect(after.history.map((h) => h.status)).toEqual(['awaiting_assignment', 'assigned', 'picked_up', 'in_transit', 'delivered']);
    expect(after.lastPosition).toMatchObject({ lat: 51.46 - 48 * 0.0002, at: at(48) });
    await waitFor(async () => (await orders.getOrder(order.id)).body.status === 'delivered', 'the order to end delivered');
  }, 60_000);

  it('when a rider sends bad input, then it is refused and logged, nothing changes, and the next good report applies', async () => {
    const { delivery, customer } = await shippedOrderWithCustomer();
    await customer.close();
    expect((await deliveries.assign(delivery.id, riderId)).status).toBe(200);
    const other = (await deliveries.createRider({ name: 'Someone Else' })).body;
    const otherRider = await MqttRecorder.connect(system.urls.mqtt, [], {
      clientId: `other-${namespace}`,
      username: 'rider',
      password: (await deliveries.riderToken(other.id)).body.token,
    });
    try {
      const start = await waitFor(async () => {
        const d = (await deliveries.getDelivery(delivery.id)).body;
        return d.status === 'assigned' && d;
      }, 'the delivery to be assigned');
      const statusTopic = topics.riderDeliveryStatus(riderId, delivery.id);
      const delivery_ = system.processes.get('delivery')!;
      const logged = (pattern: RegExp) =>
        waitFor(() => delivery_.lines.some((l) => pattern.test(l) && l.includes(delivery.id)), `a log line matching ${pattern}`);

      await rider.client.publishAsync(statusTopic, '{"status": "picked_up", ', { qos: 1 });
      await rider.client.publishAsync(statusTopic, JSON.stringify({ status: 'teleported', at: new Date().toISOString() }), { qos: 1 });
      await otherRider.client.publishAsync(
        topics.riderDeliveryStatus(other.id, delivery.id),
        JSON.stringify({ status: 'picked_up', at: new Date().toISOString() }),
        { qos: 1 },
      );
      await rider.client.publishAsync(statusTopic, JSON.stringify({ status: 'picked_up', at: new Date().toISOString(), lat: 123, lng: 0 }), { qos: 1 });
      await rider.client.publishAsync(statusTopic, JSON.stringify({ status: 'delivered', at: new Date().toISOString() }), { qos: 1 });
      await logged(/refused|rejected|invalid/i);

      await rider.client.publishAsync(statusTopic, JSON.stringify({ status: 'picked_up', at: new Date().toISOString() }), { qos: 1 });
      const after = await waitFor(async () => {
        const d = (await deliveries.getDelivery(delivery.id)).body;
        return d.status === 'picked_up' && d;
      }, 'the good report to apply');
      expect(after.version).toBe(start.version + 1);
      expect(after.history.map((h) => h.status)).toEqual(['awaiting_assignment', 'assigned', 'picked_up']);
      // The log lines travel through a pipe and may trail the HTTP answer under load: wait for them.
      const refusals = () => delivery_.lines.filter((l) => /refused|rejected|invalid/i.test(l) && l.includes(delivery.id));
      await waitFor(() => refusals().length >= 4, 'a refusal line for each of the four bad reports of this rider');
    } finally {
      await otherRider.close();
    }
  }, 60_000);
});
