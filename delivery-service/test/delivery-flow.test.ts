import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deliveryLocationUpdatedEventSchema, deliveryStatusChangedEventSchema, topics, type DeliverySnapshot } from '@orderpulse/contracts';
import { deleteAmqpNamespace, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { bindDeliveryExchangeProbe, rawOrdersPublisher, type DeliveryExchangeProbe, type RawOrdersPublisher } from './support/amqp-helpers.js';
import { anOrder, orderCreated, orderStatusChanged } from './support/factories.js';
import { httpClient } from './support/http-client.js';
import { connectRider, type RiderDevice } from './support/ingest-under-test.js';
import { amqpUrl, DELIVERY_QUEUES, startServiceUnderTest, type ServiceUnderTest, adminToken } from './support/service-under-test.js';

describe('a delivery from shipping to the door, through the whole service', () => {
  const namespace = testNamespace('delivery-flow');
  let sut: ServiceUnderTest;
  let probe: DeliveryExchangeProbe;
  let orders: RawOrdersPublisher;
  let device: RiderDevice | undefined;

  beforeAll(async () => {
    probe = await bindDeliveryExchangeProbe(amqpUrl(), namespace);
    sut = await startServiceUnderTest(namespace);
    orders = await rawOrdersPublisher(amqpUrl(), namespace);
  });
  afterAll(async () => {
    await device?.close();
    await orders?.close();
    await probe?.close();
    await sut?.close();
    await deleteAmqpNamespace(amqpUrl(), namespace, DELIVERY_QUEUES);
  });

  it('when an order ships, a rider is assigned over HTTP and reports over MQTT, then every change goes out as a delivery.* event in version order', async () => {
    const api = httpClient(sut.service.url, await adminToken(sut));
    const order = anOrder();
    await orders.publish('order.created', orderCreated(order));
    await orders.publish('order.status_changed', orderStatusChanged(order));
    const delivery = await waitFor(
      async () => (await api.get(`/deliveries?orderId=${order.id}`)).body.items[0] as DeliverySnapshot | undefined,
      'the delivery',
    );

    const rider = (await api.post('/riders', { name: 'Rosa Parks' })).body;
    expect((await api.post(`/deliveries/${delivery.id}/assign`, { riderId: rider.id })).status).toBe(200);
    device = await connectRider(sut.broker.url, rider.id);
    const statusTopic = topics.riderDeliveryStatus(rider.id, delivery.id);
    const now = Date.now();
    const at = (s: number) => new Date(now + s * 1000).toISOString();
    await device.report(statusTopic, { status: 'picked_up', at: at(0) });
    await device.report(topics.riderLocation(rider.id), { lat: 51.46, lng: -2.58, at: at(1) });
    await device.report(statusTopic, { status: 'delivered', at: at(2) });

    const delivered = deliveryStatusChangedEventSchema.parse(
      await probe.waitForEvent('delivery.status_changed → delivered', (e) => e.type === 'delivery.status_changed' && e.orderId === order.id && e.version === 5),
    );
    expect(delivered.data).toMatchObject({ id: delivery.id, status: 'delivered', rider: { id: rider.id, name: 'Rosa Parks' } });
    const ours = probe.received.filter((e) => e.orderId === order.id);
    expect(ours.map((e) => [e.type, e.version])).toEqual([
      ['delivery.created', 1],
      ['delivery.assigned', 2],
      ['delivery.status_changed', 3],
      ['delivery.location_updated', 4],
      ['delivery.status_changed', 5],
    ]);
    const location = deliveryLocationUpdatedEventSchema.parse(ours[3]);
    expect(location.data).toMatchObject({ deliveryId: delivery.id, riderId: rider.id, lat: 51.46, lng: -2.58, at: at(1), eta: { basedOnPositionAt: at(1) } });
    const metrics = await (await fetch(sut.service.metricsUrl)).text();
    expect(metrics).toMatch(/^rider_reports_total\{kind="status",result="applied"[^}]*\} 2$/m);
    expect(metrics).toMatch(/^amqp_events_consumed_total\{queue="delivery-service.orders",outcome="acked"[^}]*\} 2$/m);
  });
});
