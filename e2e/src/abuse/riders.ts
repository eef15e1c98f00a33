import type { DeliverySnapshot, OrderSnapshot } from '@orderpulse/contracts';
import { topics } from '@orderpulse/contracts';
import { waitFor } from '@orderpulse/service-kit/testing';
import mqtt, { type MqttClient } from 'mqtt';
import type { DeliveryClient } from '../harness/delivery-client.js';
import type { OrdersClient } from '../harness/orders-client.js';

export interface IssuedRider {
  riderId: string;
  token: string;
}

/** A rider registered by the admin, with the token the admin issues for the rider's device. */
export async function registerRider(deliveries: DeliveryClient, name: string): Promise<IssuedRider> {
  const created = await deliveries.createRider({ name });
  if (created.status !== 201) throw new Error(`POST /riders: ${created.status}`);
  const issued = await deliveries.riderToken(created.body.id);
  if (issued.status !== 201) throw new Error(`POST /riders/${created.body.id}/token: ${issued.status}`);
  return { riderId: created.body.id, token: issued.body.token };
}

export interface RiderOnTheRoad extends IssuedRider {
  order: OrderSnapshot;
  delivery: DeliverySnapshot;
  device: MqttClient;
}

/**
 * An order shipped, its delivery assigned to a new rider whose device has reported `picked_up`,
 * and the order moved on to `out_for_delivery` by it: a rider who may now report positions.
 * Resolves once that has all settled, so nothing is still in flight.
 */
export async function riderOnTheRoad(orders: OrdersClient, deliveries: DeliveryClient, mqttUrl: string, name: string): Promise<RiderOnTheRoad> {
  const order = (await orders.createOrder()).body;
  for (const status of ['confirmed', 'processing', 'shipped'] as const) {
    const res = await orders.changeStatus(order.id, status === 'shipped' ? { status, trackingNumber: 'TRK-ABUSE' } : { status });
    if (res.status !== 200) throw new Error(`PATCH ${status}: ${res.status}`);
  }
  const created = await waitFor(() => deliveries.deliveryOf(order.id), `the delivery of ${order.id}`);
  const rider = await registerRider(deliveries, name);
  if ((await deliveries.assign(created.id, rider.riderId)).status !== 200) throw new Error('assigning the rider failed');
  const device = await mqtt.connectAsync(mqttUrl, { username: 'rider', password: rider.token, clientId: `device-${rider.riderId}`, reconnectPeriod: 0 });
  await device.publishAsync(topics.riderDeliveryStatus(rider.riderId, created.id), JSON.stringify({ status: 'picked_up', at: new Date().toISOString() }), {
    qos: 1,
  });
  const delivery = await waitFor(async () => {
    const d = (await deliveries.getDelivery(created.id)).body;
    return d.status === 'picked_up' && d;
  }, 'the delivery to be picked up');
  const moved = await waitFor(async () => {
    const o = (await orders.getOrder(order.id)).body;
    return o.status === 'out_for_delivery' && o;
  }, 'the order to be out for delivery');
  return { ...rider, order: moved, delivery, device };
}
