import mqtt from 'mqtt';
import { topics } from '@orderpulse/contracts';
import { aNewOrder, DeliveryClient, OrdersClient } from '@orderpulse/e2e/harness';
import type { SystemUnderTest } from '../system/system-under-test.js';

export interface DeliveryInProgress {
  orderId: string;
  trackingToken: string;
  deliveryId: string;
  riderToken: string;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * An order out for delivery: shipped, its delivery assigned to a rider who has picked it up and
 * reported a position about 1 km away, so every page has something live to show.
 */
export async function prepareDeliveryInProgress(sut: SystemUnderTest): Promise<DeliveryInProgress> {
  const { urls } = sut.system;
  const created = await new OrdersClient(urls.orders).createOrder(aNewOrder());
  if (created.status !== 201) throw new Error(`POST /orders answered ${created.status}`);
  const order = created.body;
  const admin = new OrdersClient(urls.orders, sut.adminToken);
  for (const status of ['confirmed', 'processing', 'shipped'] as const) {
    const res = await admin.changeStatus(order.id, { status });
    if (res.status !== 200) throw new Error(`PATCH ${status} answered ${res.status}`);
  }
  const deliveries = new DeliveryClient(urls.delivery, sut.adminToken);
  const delivery = await until('the delivery of the shipped order', () => deliveries.deliveryOf(order.id));
  const riderId = `bench-rider-${order.orderNumber.slice(3).toLowerCase()}`;
  await deliveries.createRider({ id: riderId, name: 'Bench Rider' });
  await deliveries.assign(delivery.id, riderId);
  const riderToken = (await deliveries.riderToken(riderId)).body.token;

  const rider = await mqtt.connectAsync(urls.mqtt, { username: 'rider', password: riderToken, clientId: `rider:${riderId}:bench`, reconnectPeriod: 0 });
  const { lat, lng } = aNewOrder().deliveryAddress as { lat: number; lng: number };
  await rider.publishAsync(topics.riderDeliveryStatus(riderId, delivery.id), JSON.stringify({ status: 'picked_up', at: new Date().toISOString() }), { qos: 1 });
  await rider.publishAsync(topics.riderLocation(riderId), JSON.stringify({ lat: lat + 0.006, lng: lng + 0.009, at: new Date().toISOString() }), { qos: 1 });
  await rider.endAsync();
  await until('the order out for delivery', async () => ((await admin.getOrder(order.id)).body.status === 'out_for_delivery' ? true : undefined));
  return { orderId: order.id, trackingToken: order.trackingToken ?? '', deliveryId: delivery.id, riderToken };
}
