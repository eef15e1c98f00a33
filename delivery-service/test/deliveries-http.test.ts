import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deliverySnapshotSchema, riderAssignmentsMessageSchema, type DeliverySnapshot } from '@orderpulse/contracts';
import { deleteAmqpNamespace, testNamespace } from '@orderpulse/service-kit/testing';
import { httpClient } from './support/http-client.js';
import { assignedTo, storedDelivery, storedRider } from './support/stored.js';
import { amqpUrl, DELIVERY_QUEUES, startServiceUnderTest, type ServiceUnderTest, adminToken } from './support/service-under-test.js';

const UNKNOWN = '00000000-0000-4000-8000-00000000abcd';
const fieldsOf = (body: { error: { details: { fields: Array<{ field: string }> } } }) => body.error.details.fields.map((f) => f.field);

describe('deliveries HTTP API', () => {
  const namespace = testNamespace('delivery-http');
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

  const store = () => sut.service.store;
  const snapshotOf = async (id: string) => (await store().deliveries.findById(id))?.delivery;

  describe('GET /deliveries and /deliveries/:id', () => {
    it('when filtering by order, rider or status, then only matching deliveries come back, newest first', async () => {
      const rider = await storedRider(store());
      const older = await storedDelivery(store(), { ...assignedTo(rider, 'in_transit'), createdAt: '2026-11-26T10:00:00.000Z' });
      const newer = await storedDelivery(store(), { ...assignedTo(rider, 'assigned'), createdAt: '2026-11-26T10:05:00.000Z' });

      const byRider = await api.get(`/deliveries?riderId=${rider.id}`);
      expect(byRider.status).toBe(200);
      expect(byRider.body.items.map((d: DeliverySnapshot) => d.id)).toEqual([newer.id, older.id]);
      expect((await api.get(`/deliveries?orderId=${older.orderId}`)).body.items).toEqual([older]);
      expect((await api.get(`/deliveries?riderId=${rider.id}&status=in_transit`)).body.items).toEqual([older]);
      expect((await api.get(`/deliveries?riderId=${rider.id}&limit=1`)).body.items).toHaveLength(1);
    });

    it('when a query parameter is invalid, then 400 names it', async () => {
      for (const [query, field] of [
        ['orderId=nope', 'orderId'],
        ['status=lost', 'status'],
        ['riderId=a%2Fb', 'riderId'],
        ['limit=0', 'limit'],
      ]) {
        const response = await api.get(`/deliveries?${query}`);
        expect(response.status).toBe(400);
        expect(fieldsOf(response.body)).toContain(field);
      }
    });

    it('when the id is known, then 200 with the snapshot; unknown: 404; not a uuid: 400', async () => {
      const delivery = await storedDelivery(store());
      const found = await api.get(`/deliveries/${delivery.id}`);
      expect(found.status).toBe(200);
      expect(deliverySnapshotSchema.parse(found.body)).toEqual(delivery);
      const missing = await api.get(`/deliveries/${UNKNOWN}`);
      expect(missing.status).toBe(404);
      expect(missing.body.error).toEqual({ code: 'not_found', message: `delivery ${UNKNOWN} not found` });
      const malformed = await api.get('/deliveries/nope');
      expect(malformed.status).toBe(400);
      expect(fieldsOf(malformed.body)).toEqual(['id']);
    });
  });

  describe('POST /deliveries/:id/assign', () => {
    it('when the rider exists, then 200 returns the assigned delivery at the next version', async () => {
      const rider = await storedRider(store(), { name: 'Rosa' });
      const delivery = await storedDelivery(store());
      const response = await api.post(`/deliveries/${delivery.id}/assign`, { riderId: rider.id });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: delivery.id, status: 'assigned', rider: { id: rider.id, name: 'Rosa' }, version: 2 });
    });

    it('when the body is malformed, then 400 names the field and nothing is written', async () => {
      const delivery = await storedDelivery(store());
      for (const body of [{}, { riderId: 'a/b' }, undefined]) {
        const response = await api.post(`/deliveries/${delivery.id}/assign`, body);
        expect(response.status).toBe(400);
        expect(response.body.error.code).toBe('bad_request');
      }
      expect(fieldsOf((await api.post(`/deliveries/${delivery.id}/assign`, { riderId: 'a/b' })).body)).toEqual(['riderId']);
      expect(await snapshotOf(delivery.id)).toEqual(delivery);
    });

    it('when the rider or the delivery is unknown, then 404 naming it and nothing is written', async () => {
      const rider = await storedRider(store());
      const delivery = await storedDelivery(store());
      const noRider = await api.post(`/deliveries/${delivery.id}/assign`, { riderId: 'nobody' });
      expect(noRider.status).toBe(404);
      expect(noRider.body.error.message).toBe('rider nobody not found');
      const noDelivery = await api.post(`/deliveries/${UNKNOWN}/assign`, { riderId: rider.id });
      expect(noDelivery.status).toBe(404);
      expect(await snapshotOf(delivery.id)).toEqual(delivery);
      expect(await snapshotOf(UNKNOWN)).toBeUndefined();
    });

    it('when the delivery was already picked up, then 409 and nothing changes', async () => {
      const rider = await storedRider(store());
      const delivery = await storedDelivery(store(), assignedTo(rider, 'picked_up'));
      const response = await api.post(`/deliveries/${delivery.id}/assign`, { riderId: rider.id });
      expect(response.status).toBe(409);
      expect(response.body.error.details).toEqual({ from: 'picked_up', to: 'assigned', allowed: ['in_transit', 'delivered', 'failed'] });
      expect(await snapshotOf(delivery.id)).toEqual(delivery);
    });
  });

  describe('PATCH /deliveries/:id/status', () => {
    it('when the transition is allowed, then 200 with the new status and history entry', async () => {
      const rider = await storedRider(store());
      const delivery = await storedDelivery(store(), assignedTo(rider));
      const response = await api.patch(`/deliveries/${delivery.id}/status`, { status: 'picked_up', note: 'collected at the counter' });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ status: 'picked_up', version: delivery.version + 1 });
      expect(response.body.history.at(-1)).toMatchObject({ status: 'picked_up', note: 'collected at the counter' });
    });

    it('when a delivery fails with a reason, then the reason is stored', async () => {
      const rider = await storedRider(store());
      const delivery = await storedDelivery(store(), assignedTo(rider, 'in_transit'));
      const response = await api.patch(`/deliveries/${delivery.id}/status`, { status: 'failed', reason: 'address not found' });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ status: 'failed', failureReason: 'address not found' });
    });

    it('when the body is invalid, then 400 names the field and nothing is written', async () => {
      const rider = await storedRider(store());
      const delivery = await storedDelivery(store(), assignedTo(rider, 'in_transit'));
      const cases: Array<[unknown, string[]]> = [
        [{ status: 'teleported' }, ['status']],
        [{ status: 'assigned' }, ['status']],
        [{ status: 'failed' }, ['reason']],
        [{ status: 'delivered', reason: 'why not' }, ['reason']],
        [{ status: 'delivered', note: 42 }, ['note']],
      ];
      for (const [body, fields] of cases) {
        const response = await api.patch(`/deliveries/${delivery.id}/status`, body);
        expect(response.status).toBe(400);
        expect(fieldsOf(response.body)).toEqual(fields);
      }
      expect(await snapshotOf(delivery.id)).toEqual(delivery);
    });

    it('when the transition is invalid, then 409 names from, to and allowed, and nothing is written', async () => {
      const delivery = await storedDelivery(store());
      const response = await api.patch(`/deliveries/${delivery.id}/status`, { status: 'delivered' });
      expect(response.status).toBe(409);
      expect(response.body.error.message).toContain('from awaiting_assignment to delivered');
      expect(response.body.error.details).toEqual({ from: 'awaiting_assignment', to: 'delivered', allowed: ['assigned', 'failed'] });
      expect(await snapshotOf(delivery.id)).toEqual(delivery);
    });

    it('when the delivery is unknown, then 404 and nothing is created', async () => {
      const response = await api.patch(`/deliveries/${UNKNOWN}/status`, { status: 'picked_up' });
      expect(response.status).toBe(404);
      expect(await snapshotOf(UNKNOWN)).toBeUndefined();
    });
  });

  describe('riders', () => {
    it('when a rider is created, then 201 with a Location, and GET /riders lists it', async () => {
      const response = await api.post('/riders', { id: 'rosa-parks', name: ' Rosa Parks ', phone: '+44 7700 900123' });
      expect(response.status).toBe(201);
      expect(response.headers.get('location')).toBe('/riders/rosa-parks');
      expect(response.body).toMatchObject({ id: 'rosa-parks', name: 'Rosa Parks', phone: '+44 7700 900123' });
      const listed = await api.get('/riders');
      expect(listed.status).toBe(200);
      expect(listed.body.items).toContainEqual(response.body);
    });

    it('when the id is taken, then 409; when the body is invalid, then 400 naming the field; either way nothing is written', async () => {
      await api.post('/riders', { id: 'taken', name: 'First' });
      const before = (await api.get('/riders')).body.items.length;
      const clash = await api.post('/riders', { id: 'taken', name: 'Second' });
      expect(clash.status).toBe(409);
      for (const [body, field] of [
        [{ name: '' }, 'name'],
        [{ id: 'no spaces', name: 'A' }, 'id'],
        [{ name: 'A', phone: 12 }, 'phone'],
      ] as const) {
        const response = await api.post('/riders', body);
        expect(response.status).toBe(400);
        expect(fieldsOf(response.body)).toEqual([field]);
      }
      expect((await api.get('/riders')).body.items).toHaveLength(before);
      expect((await store().riders.findById('taken'))?.name).toBe('First');
    });

    it('when a token is asked for a rider, then 201 with a rider token that verifies; unknown rider: 404', async () => {
      const rider = await storedRider(store());
      const response = await api.post(`/riders/${rider.id}/token`);
      expect(response.status).toBe(201);
      expect(await sut.service.tokens.verify(response.body.token)).toMatchObject({ role: 'rider', sub: rider.id, riderId: rider.id });
      expect(Date.parse(response.body.expiresAt)).toBeGreaterThan(Date.now() + 11 * 3600 * 1000);
      expect((await api.post('/riders/nobody/token')).status).toBe(404);
    });

    it("when a rider's assignments are asked for, then only open deliveries come back in the contract shape", async () => {
      const rider = await storedRider(store());
      const open = await storedDelivery(store(), assignedTo(rider, 'in_transit'));
      await storedDelivery(store(), { ...assignedTo(rider), status: 'delivered' });
      const response = await api.get(`/riders/${rider.id}/assignments`);
      expect(response.status).toBe(200);
      const message = riderAssignmentsMessageSchema.parse(response.body);
      expect(message.deliveries.map((d) => d.deliveryId)).toEqual([open.id]);
      expect((await api.get('/riders/nobody/assignments')).status).toBe(404);
      expect((await api.get('/riders/a%20b/assignments')).status).toBe(400);
    });
  });

  describe('operations endpoints', () => {
    it('when RabbitMQ, the broker and the store are up, then /readyz reports all three ready', async () => {
      const response = await api.get('/readyz');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: 'ready', checks: { amqp: true, mqtt: true, store: true } });
    });

    it('when scraped, then /metrics carries the outbox depth', async () => {
      const text = await (await fetch(sut.service.metricsUrl)).text();
      expect(text).toMatch(/^outbox_pending_events\{[^}]*\} \d+$/m);
    });
  });
});
