import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deleteAmqpNamespace, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { httpClient } from './support/http-client.js';
import { aDelivery } from './support/factories.js';
import { snapshotEvent } from '../src/domain/delivery-events.js';
import { amqpUrl, DELIVERY_QUEUES, startServiceUnderTest, type ServiceUnderTest, adminToken } from './support/service-under-test.js';

/** Issue 17 point 1: GET /receipts/:orderId, when RabbitMQ confirmed the order's delivery events (real RabbitMQ, the relay's sweep). */
describe('GET /receipts/:orderId on delivery-service', () => {
  const namespace = testNamespace('delivery-receipts');
  let sut: ServiceUnderTest;
  let api: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    sut = await startServiceUnderTest(namespace);
    api = httpClient(sut.service.url, await adminToken(sut));
  });
  afterAll(async () => {
    await sut?.close();
    await deleteAmqpNamespace(amqpUrl(), namespace, DELIVERY_QUEUES);
  });

  it('when a delivery event of an order is published, then an admin reads when RabbitMQ confirmed it; a customer token gets 403', async () => {
    const delivery = aDelivery();
    await sut.service.store.deliveries.insert(delivery, snapshotEvent('delivery.created', delivery));
    const body = await waitFor(async () => {
      const response = await api.get(`/receipts/${delivery.orderId}`);
      return response.body.receipts?.length === 1 ? response.body : undefined;
    }, 'the confirm receipt');
    expect(body.receipts[0]).toMatchObject({ type: 'delivery.created', version: delivery.version });
    expect(Date.parse(body.receipts[0].confirmedAt)).toBeGreaterThanOrEqual(Date.parse(body.receipts[0].occurredAt));
    const customer = await sut.service.tokens.sign({ role: 'customer', sub: `customer:${delivery.orderId}`, orderId: delivery.orderId }, 600);
    expect((await httpClient(sut.service.url, customer).get(`/receipts/${delivery.orderId}`)).status).toBe(403);
    expect((await api.get('/receipts/nope')).status).toBe(400);
  });
});
