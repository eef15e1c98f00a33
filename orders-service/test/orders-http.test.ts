import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { orderSnapshotSchema, type OrderSnapshot } from '@orderpulse/contracts';
import { deleteAmqpNamespace, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { DELIVERY_EVENTS_QUEUE } from '../src/messaging/delivery-events-consumer.js';
import type { RunningOrdersService } from '../src/service.js';
import { httpClient } from './support/http-client.js';
import { aNewOrder } from './support/order-factories.js';
import { amqpUrl, startServiceUnderTest, adminToken } from './support/service-under-test.js';

describe('orders HTTP API', () => {
  const namespace = testNamespace('orders-http');
  let service: RunningOrdersService;
  let api: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    service = await startServiceUnderTest(namespace);
    api = httpClient(service.url, await adminToken());
  });
  afterAll(async () => {
    await service?.close();
    await deleteAmqpNamespace(amqpUrl(), namespace, [DELIVERY_EVENTS_QUEUE]);
  });

  async function placeOrder(overrides: Parameters<typeof aNewOrder>[0] = {}): Promise<OrderSnapshot> {
    const response = await api.post('/orders', aNewOrder(overrides));
    expect(response.status).toBe(201);
    return response.body as OrderSnapshot;
  }

  /** The stored order once the relay has published its events, so later reads cannot race the relay. */
  async function settled(orderId: string) {
    return waitFor(async () => {
      const stored = await service.repository.findById(orderId);
      return stored && stored.pendingEvents.length === 0 ? stored : undefined;
    }, `the outbox of ${orderId} to drain`);
  }

  describe('POST /orders and GET /orders/:id', () => {
    it('when an order is posted, then 201 returns the snapshot and GET returns the same order', async () => {
      const response = await api.post('/orders', aNewOrder());
      expect(response.status).toBe(201);
      const order = orderSnapshotSchema.parse(response.body);
      expect(order).toMatchObject({ status: 'pending', version: 1, customer: aNewOrder().customer });
      expect(response.headers.get('location')).toBe(`/orders/${order.id}`);

      const fetched = await api.get(`/orders/${order.id}`);
      expect(fetched.status).toBe(200);
      const { trackingToken, ...snapshot } = response.body;
      expect(trackingToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(fetched.body).toEqual(snapshot);
    });

    it('when the body is malformed, then 400 names each bad field and nothing is stored', async () => {
      const before = (await service.repository.list({ limit: 100 })).items.length;
      const bad = { ...aNewOrder(), items: [{ sku: 'X', name: 'Y', quantity: 0, unitPriceCents: 1 }], customer: { name: 'A' } };

      const response = await api.post('/orders', bad);

      expect(response.status).toBe(400);
      const fields = response.body.error.details.fields.map((f: { field: string }) => f.field);
      expect(fields).toEqual(expect.arrayContaining(['items.0.quantity', 'customer.email']));
      expect(response.body.error.message).toContain('items.0.quantity');
      expect((await service.repository.list({ limit: 100 })).items).toHaveLength(before);
    });

    it('when an order carries delivery instructions and a method, then admins read both and the tracking token gets the method without the instructions', async () => {
      const posted = await api.post('/orders', { ...aNewOrder(), deliveryInstructions: '  Gate code 4711, blue door  ', deliveryMethod: 'leave_at_door' });
      expect(posted.status).toBe(201);
      expect(posted.body).toMatchObject({ deliveryInstructions: 'Gate code 4711, blue door', deliveryMethod: 'leave_at_door' });
      expect((await api.get(`/orders/${posted.body.id}`)).body).toMatchObject({
        deliveryInstructions: 'Gate code 4711, blue door',
        deliveryMethod: 'leave_at_door',
      });
      const asCustomer = await httpClient(service.url, posted.body.trackingToken).get(`/orders/${posted.body.id}`);
      expect(asCustomer.status).toBe(200);
      expect(asCustomer.body.deliveryMethod).toBe('leave_at_door');
      expect(asCustomer.body).not.toHaveProperty('deliveryInstructions');
    });

    it('when the instructions are longer than 300 characters or the method is unknown, then 400 names each', async () => {
      const response = await api.post('/orders', { ...aNewOrder(), deliveryInstructions: 'x'.repeat(301), deliveryMethod: 'throw_over_fence' });
      expect(response.status).toBe(400);
      expect(response.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['deliveryInstructions', 'deliveryMethod']);
    });

    it('when the body is not JSON, then 400', async () => {
      const response = await api.post('/orders', '{"customer":');
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('bad_request');
    });

    it('when the id is unknown, then 404; when it is not a uuid, then 400 naming id', async () => {
      const unknown = await api.get('/orders/00000000-0000-4000-8000-000000000000');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('not_found');
      const malformed = await api.get('/orders/not-a-uuid');
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.details.fields[0].field).toBe('id');
    });
  });

  describe('GET /orders', () => {
    it('when paging with the cursor, then every matching order comes once, newest first, and the last page has no cursor', async () => {
      const city = `Paging-${Date.now()}`;
      const placed = [];
      for (let i = 0; i < 5; i += 1) placed.push(await placeOrder({ deliveryAddress: { ...aNewOrder().deliveryAddress, city } }));

      const listed: OrderSnapshot[] = [];
      let path = '/orders?limit=2';
      for (;;) {
        const page = await api.get(path);
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        listed.push(...page.body.items);
        if (page.body.nextCursor === null) break;
        path = `/orders?limit=2&cursor=${encodeURIComponent(page.body.nextCursor)}`;
      }
      const ours = listed.filter((o) => o.deliveryAddress.city === city);
      expect(ours.map((o) => o.id)).toEqual(placed.reverse().map((o) => o.id));
      expect(new Set(listed.map((o) => o.id)).size).toBe(listed.length);
    });

    it('when filtering by status, then only orders in that status are listed', async () => {
      const order = await placeOrder();
      expect((await api.patch(`/orders/${order.id}/status`, { status: 'confirmed' })).status).toBe(200);
      const page = await api.get('/orders?status=confirmed&limit=100');
      expect(page.status).toBe(200);
      expect(page.body.items.map((o: OrderSnapshot) => o.id)).toContain(order.id);
      expect(page.body.items.every((o: OrderSnapshot) => o.status === 'confirmed')).toBe(true);
    });

    it('when limit, status or cursor is invalid, then 400 names the parameter', async () => {
      for (const [query, field] of [
        ['limit=0', 'limit'],
        ['limit=101', 'limit'],
        ['status=lost', 'status'],
        ['cursor=abc', 'cursor'],
      ]) {
        const response = await api.get(`/orders?${query}`);
        expect(response.status).toBe(400);
        expect(response.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
      }
    });
  });

  describe('PATCH /orders/:id/status', () => {
    it('when the transition is allowed, then 200 returns the order at the next version', async () => {
      const order = await placeOrder();
      const response = await api.patch(`/orders/${order.id}/status`, { status: 'confirmed', note: 'paid' });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: order.id, status: 'confirmed', version: 2 });
      expect(response.body.history.at(-1)).toMatchObject({ status: 'confirmed', note: 'paid' });
    });

    it('when the body is malformed, then 400 names the field and the stored order is unchanged', async () => {
      const order = await placeOrder();
      const before = await settled(order.id);

      const response = await api.patch(`/orders/${order.id}/status`, { status: 'teleported', note: 42 });

      expect(response.status).toBe(400);
      expect(response.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['status', 'note']);
      expect(await service.repository.findById(order.id)).toEqual(before);
    });

    it('when the transition is invalid, then 409 names from, to and the allowed next statuses, and nothing changes', async () => {
      const order = await placeOrder();
      const before = await settled(order.id);

      const response = await api.patch(`/orders/${order.id}/status`, { status: 'delivered' });

      expect(response.status).toBe(409);
      expect(response.body.error.message).toContain('from pending to delivered');
      expect(response.body.error.details).toEqual({ from: 'pending', to: 'delivered', allowed: ['confirmed', 'cancelled'] });
      expect(await service.repository.findById(order.id)).toEqual(before);
      expect(before).toMatchObject({ order: { version: 1, status: 'pending' }, pendingEvents: [] });
    });

    it('when the order is unknown, then 404 and nothing is created', async () => {
      const id = '00000000-0000-4000-8000-00000000abcd';
      const response = await api.patch(`/orders/${id}/status`, { status: 'confirmed' });
      expect(response.status).toBe(404);
      expect(response.body.error.message).toContain(id);
      expect(await service.repository.findById(id)).toBeNull();
    });
  });

  describe('POST /tracking/lookup', () => {
    it('when number and email match in any letter case, then it returns the order id and number', async () => {
      const order = await placeOrder({ customer: { name: 'Grace', email: 'Grace@Example.com' } });
      const response = await api.post('/tracking/lookup', { orderNumber: order.orderNumber.toLowerCase(), email: ' grace@EXAMPLE.com ' });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ orderId: order.id, orderNumber: order.orderNumber, trackingToken: expect.any(String) });
    });

    it('when the email is wrong or the number unknown, then both are 404 with the same message', async () => {
      const order = await placeOrder();
      const wrongEmail = await api.post('/tracking/lookup', { orderNumber: order.orderNumber, email: 'eve@example.com' });
      const unknown = await api.post('/tracking/lookup', { orderNumber: 'OP-00000000', email: order.customer.email });
      expect([wrongEmail.status, unknown.status]).toEqual([404, 404]);
      expect(wrongEmail.body).toEqual(unknown.body);
    });

    it('when the order number is malformed, then 400 names it', async () => {
      const response = await api.post('/tracking/lookup', { orderNumber: 'nope', email: 'a@example.com' });
      expect(response.status).toBe(400);
      expect(response.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['orderNumber']);
    });
  });

  describe('operations endpoints', () => {
    it('when RabbitMQ and the store are up, then /readyz reports both ready', async () => {
      const response = await api.get('/readyz');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: 'ready', checks: { amqp: true, store: true } });
    });

    it('when a browser page on another origin preflights a PATCH, then CORS allows it', async () => {
      const response = await fetch(`${service.url}/orders/00000000-0000-4000-8000-000000000000/status`, {
        method: 'OPTIONS',
        headers: { origin: 'http://127.0.0.1:3000', 'access-control-request-method': 'PATCH' },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-allow-methods')).toContain('PATCH');
    });

    it('when events were published, then /metrics shows the outbox depth and published counters', async () => {
      const order = await placeOrder();
      await settled(order.id);
      const text = await (await fetch(service.metricsUrl)).text();
      expect(text).toMatch(/^outbox_pending_events\{[^}]*\} 0$/m);
      expect(text).toMatch(/^outbox_events_published_total\{type="order.created"[^}]*\} [1-9]\d*$/m);
    });
  });
});
