import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FEEDBACK_COMMENT_MAX_LENGTH, type OrderSnapshot } from '@orderpulse/contracts';
import { deleteAmqpNamespace, testNamespace } from '@orderpulse/service-kit/testing';
import { DELIVERY_EVENTS_QUEUE } from '../src/messaging/delivery-events-consumer.js';
import type { RunningOrdersService } from '../src/service.js';
import { httpClient } from './support/http-client.js';
import { aNewOrder } from './support/order-factories.js';
import { adminToken, amqpUrl, signTestToken, startServiceUnderTest } from './support/service-under-test.js';

const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

/** Issue 18 point 5 (the promised window) and point 7 (the customer's rating) through the real HTTP API. */
describe('orders HTTP API: delivery window and feedback', () => {
  const namespace = testNamespace('orders-window');
  let service: RunningOrdersService;
  let admin: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    service = await startServiceUnderTest(namespace, {}, { env: { DEFAULT_DELIVERY_WINDOW_MINUTES: '90' } });
    admin = httpClient(service.url, await adminToken());
  });
  afterAll(async () => {
    await service?.close();
    await deleteAmqpNamespace(amqpUrl(), namespace, [DELIVERY_EVENTS_QUEUE]);
  });

  async function place(body: object = aNewOrder()): Promise<OrderSnapshot & { trackingToken: string }> {
    const response = await httpClient(service.url).post('/orders', body);
    expect(response.status).toBe(201);
    return response.body;
  }

  async function deliver(orderId: string): Promise<void> {
    for (const status of ['confirmed', 'processing', 'shipped', 'out_for_delivery', 'delivered']) {
      expect((await admin.patch(`/orders/${orderId}/status`, { status })).status).toBe(200);
    }
  }

  describe('the promised delivery window', () => {
    it('when an order comes without a window, then it is promised one from its creation, DEFAULT_DELIVERY_WINDOW_MINUTES long, and GET returns it', async () => {
      const order = await place();
      expect(order.deliveryWindow?.start).toBe(order.createdAt);
      expect(Date.parse(order.deliveryWindow!.end) - Date.parse(order.createdAt)).toBe(90 * 60_000);
      expect((await admin.get(`/orders/${order.id}`)).body.deliveryWindow).toEqual(order.deliveryWindow);
    });

    it('when an order asks for a window, then it keeps it', async () => {
      const deliveryWindow = { start: minutesFromNow(60), end: minutesFromNow(120) };
      const order = await place({ ...aNewOrder(), deliveryWindow });
      expect(order.deliveryWindow).toEqual(deliveryWindow);
    });

    it.each([
      ['ends before it starts', { start: minutesFromNow(60), end: minutesFromNow(30) }, /end after it starts/],
      ['has already ended', { start: minutesFromNow(-120), end: minutesFromNow(-60) }, /already ended/],
      ['starts over 30 days ahead', { start: minutesFromNow(31 * 24 * 60), end: minutesFromNow(31 * 24 * 60 + 60) }, /30 days ahead/],
      ['lasts over 7 days', { start: minutesFromNow(0), end: minutesFromNow(8 * 24 * 60) }, /168 hours/],
      ['is not a date', { start: 'tomorrow', end: minutesFromNow(60) }, /deliveryWindow/],
    ])('when the window %s, then 400 names the problem and no order is stored', async (_case, deliveryWindow, message) => {
      const before = (await service.repository.list({ limit: 500 })).items.length;
      const response = await httpClient(service.url).post('/orders', { ...aNewOrder(), deliveryWindow });
      expect(response.status).toBe(400);
      expect(JSON.stringify(response.body.error)).toMatch(message);
      expect((await service.repository.list({ limit: 500 })).items.length).toBe(before);
    });
  });

  describe('POST /orders/:id/feedback and GET /feedback', () => {
    it('when the customer rates a delivered order, then 201; a second rating is 409 and the first one stays', async () => {
      const order = await place();
      await deliver(order.id);
      const customer = httpClient(service.url, order.trackingToken);

      const rated = await customer.post(`/orders/${order.id}/feedback`, { rating: 4, comment: '  Quick and friendly  ' });
      expect(rated.status).toBe(201);
      expect(rated.body).toMatchObject({ rating: 4, comment: 'Quick and friendly' });

      const again = await customer.post(`/orders/${order.id}/feedback`, { rating: 1 });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('already_rated');
      expect((await customer.get(`/orders/${order.id}`)).body.feedback).toMatchObject({ rating: 4, comment: 'Quick and friendly' });
    });

    it('when the order is not delivered yet, then 409 not_delivered and nothing is stored', async () => {
      const order = await place();
      const response = await httpClient(service.url, order.trackingToken).post(`/orders/${order.id}/feedback`, { rating: 5 });
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('not_delivered');
      expect((await admin.get(`/orders/${order.id}`)).body.feedback).toBeUndefined();
    });

    it.each([
      ['a rating of 0', { rating: 0 }],
      ['a rating of 6', { rating: 6 }],
      ['a rating of 3.5', { rating: 3.5 }],
      ['no rating', { comment: 'nice' }],
      [`a comment over ${FEEDBACK_COMMENT_MAX_LENGTH} characters`, { rating: 5, comment: 'x'.repeat(FEEDBACK_COMMENT_MAX_LENGTH + 1) }],
    ])('when the body has %s, then 400 and the order stays unrated', async (_case, body) => {
      const order = await place();
      await deliver(order.id);
      const response = await httpClient(service.url, order.trackingToken).post(`/orders/${order.id}/feedback`, body);
      expect(response.status).toBe(400);
      expect((await admin.get(`/orders/${order.id}`)).body.feedback).toBeUndefined();
    });

    it('when a comment is exactly at the bound, then it is accepted', async () => {
      const order = await place();
      await deliver(order.id);
      const comment = 'y'.repeat(FEEDBACK_COMMENT_MAX_LENGTH);
      expect((await httpClient(service.url, order.trackingToken).post(`/orders/${order.id}/feedback`, { rating: 5, comment })).status).toBe(201);
    });

    it("when someone else rates the order (another order's customer, an admin, nobody), then 403 or 401", async () => {
      const order = await place();
      await deliver(order.id);
      const other = await place();
      expect((await httpClient(service.url, other.trackingToken).post(`/orders/${order.id}/feedback`, { rating: 1 })).status).toBe(403);
      expect((await admin.post(`/orders/${order.id}/feedback`, { rating: 1 })).status).toBe(403);
      expect((await httpClient(service.url).post(`/orders/${order.id}/feedback`, { rating: 1 })).status).toBe(401);
      expect((await admin.get(`/orders/${order.id}`)).body.feedback).toBeUndefined();
    });

    it('when admins ask for the summary, then it has the count, the average and the newest ratings; customers may not read it', async () => {
      const before = (await admin.get('/feedback')).body;
      const ratings = [5, 3, 2];
      for (const rating of ratings) {
        const order = await place();
        await deliver(order.id);
        expect((await httpClient(service.url, order.trackingToken).post(`/orders/${order.id}/feedback`, { rating })).status).toBe(201);
      }
      const summary = (await admin.get('/feedback')).body;
      expect(summary.count).toBe(before.count + 3);
      const sum = (before.average ?? 0) * before.count + 10;
      expect(summary.average).toBeCloseTo(sum / summary.count, 1);
      expect(summary.recent.slice(0, 3).map((r: { feedback: { rating: number } }) => r.feedback.rating)).toEqual([2, 3, 5]);
      const customerToken = await signTestToken({ role: 'customer', sub: 'customer:x', orderId: summary.recent[0].orderId });
      expect((await httpClient(service.url, customerToken).get('/feedback')).status).toBe(403);
    });
  });
});
