import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DeliverySnapshot, Rider } from '@orderpulse/contracts';
import { deleteAmqpNamespace, testNamespace } from '@orderpulse/service-kit/testing';
import { httpClient } from './support/http-client.js';
import { adminToken, amqpUrl, DELIVERY_QUEUES, startServiceUnderTest, type ServiceUnderTest } from './support/service-under-test.js';
import { assignedTo, storedDelivery, storedRider } from './support/stored.js';

type Who = 'none' | 'garbage' | 'customer' | 'riderX' | 'riderY' | 'admin' | 'notifier';

describe('deliveries HTTP API: who may do what', () => {
  const namespace = testNamespace('delivery-auth');
  let sut: ServiceUnderTest;
  let riderX: Rider;
  let delivery: DeliverySnapshot;
  const tokens: Partial<Record<Who, string>> = {};

  beforeAll(async () => {
    sut = await startServiceUnderTest(namespace);
    const store = sut.service.store;
    riderX = await storedRider(store);
    const riderY = await storedRider(store);
    delivery = await storedDelivery(store, assignedTo(riderX));
    const sign = sut.service.tokens.sign;
    tokens.garbage = 'garbage';
    tokens.customer = await sign({ role: 'customer', sub: 'c', orderId: delivery.orderId }, 600);
    tokens.riderX = await sign({ role: 'rider', sub: riderX.id, riderId: riderX.id }, 600);
    tokens.riderY = await sign({ role: 'rider', sub: riderY.id, riderId: riderY.id }, 600);
    tokens.admin = await adminToken(sut);
    tokens.notifier = await sign({ role: 'service', sub: 'notifier' }, 600);
  });
  afterAll(async () => {
    await sut?.close();
    await deleteAmqpNamespace(amqpUrl(), namespace, DELIVERY_QUEUES);
  });

  const call = (who: Who, method: 'get' | 'post' | 'patch', path: string, body?: unknown) => {
    const api = httpClient(sut.service.url, tokens[who]);
    return method === 'get' ? api.get(path) : method === 'post' ? api.post(path, body) : api.patch(path, body);
  };

  // Expected status per caller for each endpoint; bodies are invalid on purpose where a 2xx
  // would change state, so an allowed caller gets 400 (past the guard) and nothing is written.
  const table: Array<{ endpoint: string; method: 'get' | 'post' | 'patch'; path: () => string; body?: unknown; expect: Record<Who, number> }> = [
    {
      endpoint: 'list deliveries',
      method: 'get',
      path: () => '/deliveries',
      expect: { none: 401, garbage: 401, customer: 403, riderX: 200, riderY: 200, admin: 200, notifier: 200 },
    },
    {
      endpoint: "list another rider's deliveries",
      method: 'get',
      path: () => `/deliveries?riderId=${riderX.id}`,
      expect: { none: 401, garbage: 401, customer: 403, riderX: 200, riderY: 403, admin: 200, notifier: 200 },
    },
    {
      endpoint: 'get a delivery',
      method: 'get',
      path: () => `/deliveries/${delivery.id}`,
      expect: { none: 401, garbage: 401, customer: 403, riderX: 200, riderY: 403, admin: 200, notifier: 200 },
    },
    {
      endpoint: 'assign',
      method: 'post',
      path: () => `/deliveries/${delivery.id}/assign`,
      body: {},
      expect: { none: 401, garbage: 401, customer: 403, riderX: 403, riderY: 403, admin: 400, notifier: 403 },
    },
    {
      endpoint: 'change status',
      method: 'patch',
      path: () => `/deliveries/${delivery.id}/status`,
      body: {},
      expect: { none: 401, garbage: 401, customer: 403, riderX: 403, riderY: 403, admin: 400, notifier: 403 },
    },
    {
      endpoint: 'list riders',
      method: 'get',
      path: () => '/riders',
      expect: { none: 401, garbage: 401, customer: 403, riderX: 403, riderY: 403, admin: 200, notifier: 403 },
    },
    {
      endpoint: 'register a rider',
      method: 'post',
      path: () => '/riders',
      body: {},
      expect: { none: 401, garbage: 401, customer: 403, riderX: 403, riderY: 403, admin: 400, notifier: 403 },
    },
    {
      endpoint: 'issue a rider token',
      method: 'post',
      path: () => `/riders/${riderX.id}/token`,
      body: {},
      expect: { none: 401, garbage: 401, customer: 403, riderX: 403, riderY: 403, admin: 201, notifier: 403 },
    },
    {
      endpoint: 'enter a PIN',
      method: 'post',
      path: () => `/deliveries/${delivery.id}/proof/pin`,
      body: {},
      expect: { none: 401, garbage: 401, customer: 403, riderX: 400, riderY: 403, admin: 400, notifier: 400 },
    },
    {
      endpoint: 'unlock a PIN',
      method: 'post',
      path: () => `/deliveries/${delivery.id}/proof/unlock`,
      body: {},
      expect: { none: 401, garbage: 401, customer: 403, riderX: 403, riderY: 403, admin: 409, notifier: 403 },
    },
    {
      endpoint: 'upload a photo',
      method: 'post',
      path: () => `/deliveries/${delivery.id}/proof/photo`,
      body: {},
      expect: { none: 401, garbage: 401, customer: 403, riderX: 409, riderY: 403, admin: 409, notifier: 409 },
    },
    {
      endpoint: 'read the proof image',
      method: 'get',
      path: () => `/deliveries/${delivery.id}/proof/file`,
      expect: { none: 401, garbage: 401, customer: 404, riderX: 403, riderY: 403, admin: 404, notifier: 404 },
    },
    {
      endpoint: "a rider's assignments",
      method: 'get',
      path: () => `/riders/${riderX.id}/assignments`,
      expect: { none: 401, garbage: 401, customer: 403, riderX: 200, riderY: 403, admin: 200, notifier: 200 },
    },
  ];
  const rows = table.flatMap((row) => (Object.keys(row.expect) as Who[]).map((who) => ({ ...row, who, status: row.expect[who] })));

  it.each(rows)('$endpoint as $who → $status', async ({ method, path, body, who, status }) => {
    const res = await call(who, method, path(), body);
    expect(res.status).toBe(status);
  });

  it('when a rider lists deliveries, then only its own come back', async () => {
    const res = await call('riderX', 'get', '/deliveries');
    expect(res.body.items.map((d: DeliverySnapshot) => d.rider?.id)).toEqual([riderX.id]);
    expect((await call('riderY', 'get', '/deliveries')).body.items).toEqual([]);
  });

  it('when every refused call is done, then the delivery is unchanged', async () => {
    const now = (await call('admin', 'get', `/deliveries/${delivery.id}`)).body;
    expect(now).toMatchObject({ status: 'assigned', version: delivery.version, rider: { id: riderX.id } });
  });
});
