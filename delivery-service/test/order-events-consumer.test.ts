import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deliveryCreatedEventSchema, type OrderEvent } from '@orderpulse/contracts';
import { deleteAmqpNamespace, nextEvent, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { bindDeliveryExchangeProbe, rawOrdersPublisher, type DeliveryExchangeProbe, type RawOrdersPublisher } from './support/amqp-helpers.js';
import { anOrder, orderCreated, orderStatusChanged } from './support/factories.js';
import { amqpUrl, DELIVERY_QUEUES, startServiceUnderTest, type ServiceUnderTest } from './support/service-under-test.js';

describe('order events from RabbitMQ (queue delivery-service.orders)', () => {
  const namespace = testNamespace('delivery-consume');
  let sut: ServiceUnderTest;
  let orders: RawOrdersPublisher;
  let probe: DeliveryExchangeProbe;

  beforeAll(async () => {
    probe = await bindDeliveryExchangeProbe(amqpUrl(), namespace);
    sut = await startServiceUnderTest(namespace, { overrides: { unknownOrderAttempts: 2 } });
    orders = await rawOrdersPublisher(amqpUrl(), namespace);
  });
  afterAll(async () => {
    await orders?.close();
    await probe?.close();
    await sut?.close();
    await deleteAmqpNamespace(amqpUrl(), namespace, DELIVERY_QUEUES);
  });

  const consumer = () => sut.service.consumer;
  async function deliver(event: OrderEvent): Promise<void> {
    const acked = nextEvent<[OrderEvent]>(consumer(), 'acked', 10_000, (e) => e.id === event.id);
    await orders.publish(event.type, event);
    await acked;
  }
  const deliveriesOf = (orderId: string) => sut.service.store.deliveries.list({ orderId, limit: 10 });

  it('when an order is created and then ships, then one delivery is created and delivery.created is published; other status changes never reach the queue', async () => {
    const order = anOrder();
    await deliver(orderCreated(order));
    const acked: string[] = [];
    const record = (e: OrderEvent) => void acked.push(e.id);
    consumer().on('acked', record);
    const confirmed = orderStatusChanged(order, 'confirmed', 2);
    const shipped = orderStatusChanged(order, 'shipped', 4);
    try {
      await orders.publish(confirmed.type, confirmed);
      expect(await deliveriesOf(order.id)).toEqual([]);
      // Published after `confirmed` on the same confirmed channel: had `confirmed` been routed here, it would be acked first.
      await deliver(shipped);
    } finally {
      consumer().off('acked', record);
    }
    expect(acked).toEqual([shipped.id]);

    const [delivery] = await deliveriesOf(order.id);
    expect(delivery).toMatchObject({ orderNumber: order.orderNumber, address: order.deliveryAddress, status: 'awaiting_assignment', version: 1 });
    const published = deliveryCreatedEventSchema.parse(await probe.waitForEvent('delivery.created', (e) => e.orderId === order.id));
    expect(published).toMatchObject({ type: 'delivery.created', version: 1, data: delivery });
  });

  it('when the shipped event is redelivered or duplicated, then still exactly one delivery and one delivery.created exist', async () => {
    const order = anOrder();
    const shipped = orderStatusChanged(order);
    await deliver(orderCreated(order));
    await deliver(shipped);
    await deliver(shipped);
    await deliver({ ...orderStatusChanged(order), version: shipped.version });
    await deliver(orderCreated(order));

    expect(await deliveriesOf(order.id)).toHaveLength(1);
    await waitFor(async () => (await sut.service.store.deliveries.countPendingEvents()) === 0, 'the outbox to drain');
    expect(probe.received.filter((e) => e.orderId === order.id && e.type === 'delivery.created')).toHaveLength(1);
  });

  it('when a message is not a valid order event, then it is dead-lettered and the next good one is still applied', async () => {
    const deadLettered = nextEvent<[string, string]>(consumer(), 'dead-lettered', 10_000, (_r, raw) => raw.includes('not json'));
    await orders.publish('order.created', '{"not json');
    const [reason] = await deadLettered;
    expect(reason).toMatch(/not JSON/);

    const invalid = { ...orderCreated(anOrder()), orderId: 'x' };
    const refused = nextEvent<[string, string]>(consumer(), 'dead-lettered', 10_000, (_r, raw) => raw.includes(invalid.id));
    await orders.publish('order.created', invalid);
    expect((await refused)[0]).toMatch(/orderId/);

    const order = anOrder();
    await deliver(orderCreated(order));
    await deliver(orderStatusChanged(order));
    expect(await deliveriesOf(order.id)).toHaveLength(1);
  });

  it('when an order ships that was never created here, then after the retries it is dead-lettered as unprocessable, not looped', async () => {
    const order = anOrder();
    const shipped = orderStatusChanged(order);
    const requeued = nextEvent<[OrderEvent, Error]>(consumer(), 'requeued', 10_000, (e) => e.id === shipped.id);
    const deadLettered = nextEvent<[string, string]>(consumer(), 'dead-lettered', 10_000, (_r, raw) => raw.includes(shipped.id));

    await orders.publish(shipped.type, shipped);

    expect((await requeued)[1].message).toContain(`order ${order.id} is unknown`);
    const [reason] = await deadLettered;
    expect(reason).toMatch(new RegExp(`^unprocessable: order ${order.id} is unknown.*after 2 attempts`));
    expect(await deliveriesOf(order.id)).toEqual([]);
  });
});
