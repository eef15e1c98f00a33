import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { connectAsync } from 'mqtt';
import { DEFAULT_HOPS_PER_ORDER } from '@orderpulse/service-kit';
import { deleteAmqpNamespace, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { httpClient } from './support/http-client.js';
import { aDelivery } from './support/factories.js';
import { snapshotEvent } from '../src/domain/delivery-events.js';
import { amqpUrl, DELIVERY_QUEUES, startServiceUnderTest, type ServiceUnderTest, adminToken } from './support/service-under-test.js';

/**
 * Issue 17 point 1: GET /receipts/:orderId, when RabbitMQ confirmed the order's delivery events (real RabbitMQ, the relay's sweep);
 * point 4: GET /hop-history/:orderId, the same times and the broker's receipts kept for replays.
 */
describe('GET /receipts/:orderId and /hop-history/:orderId on delivery-service', () => {
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

  it('when a delivery event is confirmed and the broker reports it, then an admin reads all kept; others get 401/403, an unknown order 404', async () => {
    const delivery = aDelivery();
    await sut.service.store.deliveries.insert(delivery, snapshotEvent('delivery.created', delivery));
    const device = await connectAsync(sut.broker.url, { clientId: `hop-test-${randomUUID()}` });
    try {
      await device.publishAsync(
        `admin/receipts/${delivery.orderId}`,
        JSON.stringify({ hop: 'device', orderId: delivery.orderId, topic: `orders/${delivery.orderId}/tracking`, version: delivery.version, watching: false }),
        { qos: 1 },
      );
    } finally {
      await device.endAsync();
    }
    const body = await waitFor(async () => {
      const response = await api.get(`/hop-history/${delivery.orderId}`);
      const row = response.body.rows?.[0];
      return row?.confirmedAt && row.watching === false ? response.body : undefined;
    }, 'the kept confirm and receipt');
    expect(body.rows).toEqual([
      {
        kind: 'tracking',
        version: delivery.version,
        type: 'delivery.created',
        status: 'awaiting_assignment',
        writtenAt: expect.any(String),
        confirmedAt: expect.any(String),
        watching: false,
      },
    ]);
    expect(Date.parse(body.rows[0].confirmedAt)).toBeGreaterThanOrEqual(Date.parse(body.rows[0].writtenAt));
    expect(body.kept).toEqual({ maxPerOrder: DEFAULT_HOPS_PER_ORDER, retentionDays: 30 });

    const customer = await sut.service.tokens.sign({ role: 'customer', sub: `customer:${delivery.orderId}`, orderId: delivery.orderId }, 600);
    expect((await httpClient(sut.service.url, customer).get(`/hop-history/${delivery.orderId}`)).status).toBe(403);
    expect((await httpClient(sut.service.url).get(`/hop-history/${delivery.orderId}`)).status).toBe(401);
    expect((await api.get(`/hop-history/${randomUUID()}`)).status).toBe(404);
    expect((await api.get('/hop-history/nope')).status).toBe(400);
  });
});
