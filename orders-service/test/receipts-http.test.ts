import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { OrderSnapshot } from '@orderpulse/contracts';
import { deleteAmqpNamespace, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { DELIVERY_EVENTS_QUEUE } from '../src/messaging/delivery-events-consumer.js';
import type { RunningOrdersService } from '../src/service.js';
import { httpClient } from './support/http-client.js';
import { aNewOrder } from './support/order-factories.js';
import { adminToken, amqpUrl, startServiceUnderTest } from './support/service-under-test.js';

/**
 * Issue 17 point 1: GET /receipts/:orderId, when RabbitMQ confirmed each of the order's events (real RabbitMQ);
 * point 4: GET /hop-history/:orderId, the same kept for the order's replay.
 */
describe('orders HTTP API: confirm receipts', () => {
  const namespace = testNamespace('orders-receipts');
  let service: RunningOrdersService;
  let admin: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    service = await startServiceUnderTest(namespace);
    admin = httpClient(service.url, await adminToken());
  });
  afterAll(async () => {
    await service?.close();
    await deleteAmqpNamespace(amqpUrl(), namespace, [DELIVERY_EVENTS_QUEUE]);
  });

  it('when an order is created and confirmed, then an admin reads when RabbitMQ confirmed each event, after it was written', async () => {
    const created = await httpClient(service.url).post('/orders', aNewOrder());
    const order = created.body as OrderSnapshot & { trackingToken: string };
    expect((await admin.patch(`/orders/${order.id}/status`, { status: 'confirmed' })).status).toBe(200);
    const body = await waitFor(async () => {
      const response = await admin.get(`/receipts/${order.id}`);
      return response.body.receipts?.length === 2 ? response.body : undefined;
    }, 'two confirm receipts');
    expect(body.receipts.map((r: { version: number }) => r.version)).toEqual([1, 2]);
    for (const receipt of body.receipts) expect(Date.parse(receipt.confirmedAt)).toBeGreaterThanOrEqual(Date.parse(receipt.occurredAt));
    // The customer's own token is not enough.
    expect((await httpClient(service.url, order.trackingToken).get(`/receipts/${order.id}`)).status).toBe(403);
  });

  it('when an order is created and confirmed, then an admin reads its kept confirm times; a customer 403, no token 401, an unknown order 404, a bad id 400', async () => {
    const created = await httpClient(service.url).post('/orders', aNewOrder());
    const order = created.body as OrderSnapshot & { trackingToken: string };
    expect((await admin.patch(`/orders/${order.id}/status`, { status: 'confirmed' })).status).toBe(200);
    const body = await waitFor(async () => {
      const response = await admin.get(`/hop-history/${order.id}`);
      return response.body.rows?.filter((r: { confirmedAt?: string }) => r.confirmedAt).length === 2 ? response.body : undefined;
    }, 'two kept confirm times');
    expect(body.rows).toEqual([
      { kind: 'status', version: 1, type: 'order.created', status: 'pending', writtenAt: expect.any(String), confirmedAt: expect.any(String) },
      { kind: 'status', version: 2, type: 'order.status_changed', status: 'confirmed', writtenAt: expect.any(String), confirmedAt: expect.any(String) },
    ]);
    for (const row of body.rows) expect(Date.parse(row.confirmedAt)).toBeGreaterThanOrEqual(Date.parse(row.writtenAt));
    expect(body.kept).toEqual({ maxPerOrder: 200, retentionDays: 30 });
    expect((await httpClient(service.url, order.trackingToken).get(`/hop-history/${order.id}`)).status).toBe(403);
    expect((await httpClient(service.url).get(`/hop-history/${order.id}`)).status).toBe(401);
    expect((await admin.get('/hop-history/6f1c1b8e-2f4a-4c1e-9a53-0c7f5a1e0001')).status).toBe(404);
    expect((await admin.get('/hop-history/not-a-uuid')).status).toBe(400);
  });

  it('when the order id is not a uuid, then 400 names it; without a token, 401', async () => {
    const bad = await admin.get('/receipts/not-a-uuid');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/orderId/);
    expect((await httpClient(service.url).get('/receipts/6f1c1b8e-2f4a-4c1e-9a53-0c7f5a1e0001')).status).toBe(401);
  });
});
