import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deliveryTrackSchema, type DeliverySnapshot, type Rider } from '@orderpulse/contracts';
import { deleteAmqpNamespace, testNamespace } from '@orderpulse/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { httpClient } from './support/http-client.js';
import { adminToken, amqpUrl, DELIVERY_QUEUES, startServiceUnderTest, type ServiceUnderTest } from './support/service-under-test.js';
import { assignedTo, storedDelivery, storedRider } from './support/stored.js';

type Who = 'none' | 'garbage' | 'customer' | 'otherCustomer' | 'rider' | 'admin';

/** A service with a delivered delivery whose path is kept, one still on the road, and a token per caller. */
async function startWithDeliveries(namespace: string, env: Record<string, string>) {
  const sut = await startServiceUnderTest(namespace, { env });
  const store = sut.service.store;
  const rider = await storedRider(store);
  const ridden = assignedTo(rider, 'in_transit');
  const delivered = await storedDelivery(store, {
    ...ridden,
    status: 'delivered',
    history: [...ridden.history!, { status: 'delivered', at: new Date(Date.UTC(2026, 10, 26, 10, 9)).toISOString() }],
  });
  const onTheRoad = await storedDelivery(store, assignedTo(rider, 'in_transit'));
  for (const minute of [4, 5, 6]) {
    await store.positions!.append(
      delivered.id,
      { lat: 51.45 + minute / 1000, lng: -2.59, at: new Date(Date.UTC(2026, 10, 26, 10, minute)).toISOString() },
      new Date(),
    );
  }
  const sign = sut.service.tokens.sign;
  const tokens: Record<Who, string | undefined> = {
    none: undefined,
    garbage: 'garbage',
    customer: await sign({ role: 'customer', sub: 'c', orderId: delivered.orderId }, 600),
    otherCustomer: await sign({ role: 'customer', sub: 'c2', orderId: onTheRoad.orderId }, 600),
    rider: await sign({ role: 'rider', sub: rider.id, riderId: rider.id }, 600),
    admin: await adminToken(sut),
  };
  const get = (who: Who, path: string) => httpClient(sut.service.url, tokens[who]).get(path);
  return { sut, rider, delivered, onTheRoad, tokens, get };
}

describe('GET /deliveries/:id/track, customers not allowed (the default)', () => {
  const namespace = testNamespace('delivery-track');
  let sut: ServiceUnderTest;
  let delivered: DeliverySnapshot;
  let rider: Rider;
  let get: (who: Who, path: string) => Promise<{ status: number; body: unknown }>;

  beforeAll(async () => {
    ({ sut, delivered, rider, get } = await startWithDeliveries(namespace, {}));
  });
  afterAll(async () => {
    await sut?.close();
    await deleteAmqpNamespace(amqpUrl(), namespace, DELIVERY_QUEUES);
  });

  it('when an admin asks, then the statuses, the kept path in time order, the address and what is kept come back', async () => {
    const res = await get('admin', `/deliveries/${delivered.id}/track`);
    expect(res.status).toBe(200);
    const track = deliveryTrackSchema.parse(res.body);
    expect(track).toMatchObject({ deliveryId: delivered.id, orderId: delivered.orderId, status: 'delivered', rider: { id: rider.id } });
    expect(track.history.map((h) => h.status)).toEqual(['awaiting_assignment', 'assigned', 'picked_up', 'in_transit', 'delivered']);
    expect(track.points.map((p) => p.at)).toEqual([4, 5, 6].map((m) => new Date(Date.UTC(2026, 10, 26, 10, m)).toISOString()));
    expect(track.destination).toEqual({ lat: delivered.address.lat, lng: delivered.address.lng });
    expect(track.kept).toEqual({ maxPerDelivery: 2000, retentionDays: 30 });
  });

  it.each([
    ['none', 401],
    ['garbage', 401],
    ['rider', 403],
    ['customer', 403],
    ['otherCustomer', 403],
  ] as const)('when %s asks, then %i', async (who, status) => {
    const res = await get(who, `/deliveries/${delivered.id}/track`);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error: { code: status === 401 ? 'unauthorized' : 'forbidden', message: expect.any(String) } });
  });

  it('when the id is not a uuid, then 400 naming it; an unknown one, 404', async () => {
    const bad = await get('admin', '/deliveries/nope/track');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('id');
    expect((await get('admin', `/deliveries/${randomUUID()}/track`)).status).toBe(404);
  });
});

describe('GET /deliveries/:id/track with CUSTOMER_TRACK_AFTER_DELIVERY=true', () => {
  const namespace = testNamespace('delivery-track-customer');
  let context: Awaited<ReturnType<typeof startWithDeliveries>>;

  beforeAll(async () => {
    context = await startWithDeliveries(namespace, { CUSTOMER_TRACK_AFTER_DELIVERY: 'true', POSITION_HISTORY_RETENTION_DAYS: '7' });
  });
  afterAll(async () => {
    await context?.sut.close();
    await deleteAmqpNamespace(amqpUrl(), namespace, DELIVERY_QUEUES);
  });

  it("when the order's customer asks once it is delivered, then the path comes back", async () => {
    const res = await context.get('customer', `/deliveries/${context.delivered.id}/track`);
    expect(res.status).toBe(200);
    const track = deliveryTrackSchema.parse(res.body);
    expect(track.points).toHaveLength(3);
    expect(track.kept.retentionDays).toBe(7);
  });

  it("when a customer asks for a delivery still on the road (their own), or another order's, then 403; riders still 403", async () => {
    expect((await context.get('otherCustomer', `/deliveries/${context.onTheRoad.id}/track`)).status).toBe(403);
    expect((await context.get('otherCustomer', `/deliveries/${context.delivered.id}/track`)).status).toBe(403);
    expect((await context.get('customer', `/deliveries/${context.onTheRoad.id}/track`)).status).toBe(403);
    expect((await context.get('customer', `/deliveries/${randomUUID()}/track`)).status).toBe(403);
    expect((await context.get('rider', `/deliveries/${context.delivered.id}/track`)).status).toBe(403);
  });
});
