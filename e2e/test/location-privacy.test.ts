import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { greatCircleKm, topics } from '@orderpulse/contracts';
import { deleteAmqpNamespace, testNamespace } from '@orderpulse/service-kit/testing';
import { describeIfAvailable } from '@orderpulse/service-kit/testing/suites';
import {
  DeliveryClient,
  MosquittoSub,
  mosquittoSubMissing,
  MqttRecorder,
  shipNewOrder,
  startSystem,
  TestTokens,
  type RunningSystem,
} from '../src/harness/index.js';

const amqpUrl = process.env.AMQP_URL as string;
const QUEUES = ['notifier', 'delivery-service.orders', 'orders-service.delivery'];

// aNewOrder()'s address is 12 Harbour Road, Bristol (51.4495, -2.5966).
const ADDRESS = { lat: 51.4495, lng: -2.5966 };
const FAR = { lat: 51.49013, lng: -2.55071 }; // about 5.5 km away
const NEAR = { lat: 51.45402, lng: -2.59187 }; // about 0.6 km away

/**
 * Location privacy, seen by the customer through the Mosquitto project's own client against our
 * broker, logged in with the order's real tracking token: the notifier decides what leaves.
 */
describeIfAvailable(
  'when the rider is on the way, then the customer sees an approximate position far away, the exact one close by, and none after delivery',
  mosquittoSubMissing(),
  () => {
    const namespace = testNamespace('privacy');
    let system: RunningSystem;
    let adminToken: string;
    let deliveries: DeliveryClient;
    const closers: Array<() => Promise<void>> = [];

    beforeAll(async () => {
      system = await startSystem({
        amqpUrl,
        namespace,
        ports: 'free',
        services: ['broker', 'orders', 'delivery', 'notifier'],
        env: { notifier: { LOCATION_COARSE_METERS: '500', LOCATION_EXACT_WITHIN_KM: '2' } },
      });
      const tokens = new TestTokens(system.jwtSecret);
      adminToken = await tokens.admin();
      deliveries = new DeliveryClient(system.urls.delivery, adminToken);
    }, 60_000);

    afterAll(async () => {
      for (const close of closers.reverse()) await close();
      await system?.stop();
      await deleteAmqpNamespace(amqpUrl, namespace, QUEUES);
    });

    const subscribeAsCustomer = (orderId: string, token: string, label: string) => {
      // The location topic first: its retained message, if any, is sent before the tracking's.
      const sub = new MosquittoSub(system.urls.mqtt, {
        username: 'customer',
        password: token,
        topics: [topics.orderLocation(orderId), topics.orderTracking(orderId)],
        clientId: `${label}-${orderId.slice(0, 8)}`,
      });
      closers.push(() => sub.close());
      return sub;
    };

    it('then coarse far away, exact near, the retained position cleared at delivery, and a late subscriber gets none', async () => {
      const { order, deliveryId } = await shipNewOrder(system.urls, adminToken);
      const location = topics.orderLocation(order.id);
      const tracking = topics.orderTracking(order.id);
      const created = await deliveries.createRider({ name: 'Nadia Murad' });
      const riderId = created.body.id;
      const rider = await MqttRecorder.connect(system.urls.mqtt, [], {
        clientId: `rider-${namespace}`,
        username: 'rider',
        password: (await deliveries.riderToken(riderId)).body.token,
      });
      closers.push(() => rider.client.endAsync());
      const admin = await MqttRecorder.connect(system.urls.mqtt, [topics.adminOrders()], { username: 'admin', password: adminToken });
      closers.push(() => admin.client.endAsync());
      const report = (topic: string, payload: Record<string, unknown>) =>
        rider.client.publishAsync(topic, JSON.stringify({ at: new Date().toISOString(), ...payload }), { qos: 1 });

      const customer = subscribeAsCustomer(order.id, order.trackingToken, 'live');
      expect((await deliveries.assign(deliveryId, riderId)).status).toBe(200);
      await customer.waitFor((ls) => ls.some((l) => l.topic === tracking && l.payload.includes('"assigned"')), 'tracking: assigned');

      // Far away: the grid cell's centre, no heading, and how approximate it is.
      await report(topics.riderDeliveryStatus(riderId, deliveryId), { status: 'picked_up', ...FAR });
      await report(topics.riderLocation(riderId), { ...FAR, heading: 135, at: new Date(Date.now() + 1).toISOString() });
      const coarse = await customer.waitFor(() => customer.json(location)[0], 'the first (approximate) position');
      expect(coarse.approximateMeters).toBe(500);
      expect(coarse).not.toHaveProperty('heading');
      expect(coarse.lat).not.toBe(FAR.lat);
      expect(coarse.lng).not.toBe(FAR.lng);
      expect(greatCircleKm(coarse as { lat: number; lng: number }, FAR)).toBeLessThan(0.4);
      const coarseEta = coarse.eta as { distanceKm: number; minutes: number };
      expect(coarseEta.distanceKm * 2).toBe(Math.round(coarseEta.distanceKm * 2)); // whole half-kilometres
      expect(Number.isInteger(coarseEta.minutes)).toBe(true);
      // No report id or coordinates in the customer's tracking history.
      for (const line of customer.on(tracking)) expect(line.payload).not.toMatch(/reportId|"lat"|"lng"/);
      // Admins get the exact position from the admin feed.
      await admin.waitFor(
        (ms) => ms.find((m) => m.payload.type === 'delivery.location_updated' && (m.payload.data as { lat: number }).lat === FAR.lat),
        'the exact far position on admin/orders',
      );

      // Close by: the exact position with its heading.
      await report(topics.riderLocation(riderId), { ...NEAR, heading: 200 });
      const exact = await customer.waitFor(() => customer.json(location).find((m) => m.lat === NEAR.lat), 'the exact position near the address');
      expect(exact).toMatchObject({ lat: NEAR.lat, lng: NEAR.lng, heading: 200 });
      expect(exact).not.toHaveProperty('approximateMeters');
      expect(greatCircleKm(NEAR, ADDRESS)).toBeLessThan(2);

      // Before the delivery ends a late subscriber does get the retained position (so the check below can fail).
      const before = subscribeAsCustomer(order.id, order.trackingToken, 'before');
      await before.waitFor((ls) => ls.some((l) => l.topic === tracking), 'the retained tracking (late subscriber, before delivery)');
      expect(before.json(location)).toEqual([expect.objectContaining({ lat: NEAR.lat, lng: NEAR.lng })]);
      await before.close();

      // Delivered: the live subscriber sees the retained position cleared (an empty message).
      await report(topics.riderDeliveryStatus(riderId, deliveryId), { status: 'delivered', ...ADDRESS });
      await customer.waitFor((ls) => ls.some((l) => l.topic === tracking && l.payload.includes('"delivered"')), 'tracking: delivered');
      await customer.waitFor((ls) => ls.some((l) => l.topic === location && l.payload === ''), 'the empty message clearing the position');
      const positionsSeen = customer.json(location).length;

      // A late subscriber gets the delivered tracking and no position.
      const late = subscribeAsCustomer(order.id, order.trackingToken, 'late');
      await late.waitFor(
        (ls) => ls.some((l) => l.topic === tracking && l.payload.includes('"delivered"')),
        'the retained delivered tracking (late subscriber)',
      );
      expect(late.on(location)).toEqual([]);
      await late.close();
      // And the live one got nothing after the clear.
      expect(customer.json(location)).toHaveLength(positionsSeen);
      const clearedAt = customer.lines.findIndex((l) => l.topic === location && l.payload === '');
      expect(customer.lines.slice(clearedAt + 1).filter((l) => l.topic === location)).toEqual([]);
    }, 60_000);
  },
);
