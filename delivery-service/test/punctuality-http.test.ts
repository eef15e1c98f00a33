import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deleteAmqpNamespace, testNamespace } from '@orderpulse/service-kit/testing';
import { httpClient } from './support/http-client.js';
import { aDelivery } from './support/factories.js';
import { snapshotEvent } from '../src/domain/delivery-events.js';
import { amqpUrl, DELIVERY_QUEUES, startServiceUnderTest, type ServiceUnderTest, adminToken } from './support/service-under-test.js';

const HOUR = 3_600_000;

/** Issue 18 point 5: GET /stats/punctuality through the real HTTP API. */
describe('GET /stats/punctuality', () => {
  const namespace = testNamespace('delivery-punctuality');
  let sut: ServiceUnderTest;
  let api: ReturnType<typeof httpClient>;
  const base = Date.parse('2026-06-01T12:00:00.000Z');
  const iso = (hours: number) => new Date(base + hours * HOUR).toISOString();

  beforeAll(async () => {
    sut = await startServiceUnderTest(namespace);
    api = httpClient(sut.service.url, await adminToken(sut));
    for (const [arrival, end, eta] of [
      [1, 2, 0.95],
      [3, 2, 2.5],
      [30, 40, 29],
    ]) {
      const delivery = aDelivery({
        status: 'delivered',
        history: [
          { status: 'awaiting_assignment', at: iso(0) },
          { status: 'delivered', at: iso(arrival!) },
        ],
        promisedWindow: { start: iso(0), end: iso(end!) },
        etaAtPickup: { at: iso(eta!), minutes: 10, distanceKm: 2, basedOnPositionAt: iso(0) },
      });
      await sut.service.store.deliveries.insert(delivery, snapshotEvent('delivery.created', delivery));
    }
  });
  afterAll(async () => {
    await sut?.close();
    await deleteAmqpNamespace(amqpUrl(), namespace, DELIVERY_QUEUES);
  });

  it('when an admin asks for a period, then only deliveries handed over in it count', async () => {
    const response = await api.get(`/stats/punctuality?from=${encodeURIComponent(iso(0))}&to=${encodeURIComponent(iso(10))}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ delivered: 2, withWindow: 2, onTime: 1, late: 1, onTimeRate: 0.5, truncated: false });
    expect(response.body.etaAccuracy).toMatchObject({ measured: 2, meanAbsoluteErrorMinutes: 16.5, withinFiveMinutesRate: 0.5 });
  });

  it.each([
    ['to before from', `from=${encodeURIComponent('2026-06-02T00:00:00Z')}&to=${encodeURIComponent('2026-06-01T00:00:00Z')}`],
    ['a period over 366 days', `from=${encodeURIComponent('2025-01-01T00:00:00Z')}&to=${encodeURIComponent('2026-01-03T00:00:00Z')}`],
    ['a date that is not ISO-8601', 'from=yesterday'],
  ])('when the query has %s, then 400 names the problem', async (_case, query) => {
    const response = await api.get(`/stats/punctuality?${query}`);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.error)).toMatch(/from|to/);
  });

  it('when a period of exactly 366 days is asked, then it is accepted', async () => {
    expect(
      (await api.get(`/stats/punctuality?from=${encodeURIComponent('2025-06-01T00:00:00Z')}&to=${encodeURIComponent('2026-06-02T00:00:00Z')}`)).status,
    ).toBe(200);
  });

  it('when someone who is not an admin asks, then 401 without a token and 403 with a rider token', async () => {
    expect((await httpClient(sut.service.url).get('/stats/punctuality')).status).toBe(401);
    const riderToken = await sut.service.tokens.sign({ role: 'rider', sub: 'rider:r1', riderId: 'r1' }, 60);
    expect((await httpClient(sut.service.url, riderToken).get('/stats/punctuality')).status).toBe(403);
  });
});
