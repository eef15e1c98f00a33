import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request as httpRequest } from 'node:http';
import type { DeliveryProof } from '@orderpulse/contracts';
import { deleteAmqpNamespace, testNamespace } from '@orderpulse/service-kit/testing';
import { httpClient } from './support/http-client.js';
import { assignedTo, storedDelivery, storedRider } from './support/stored.js';
import { adminToken, amqpUrl, DELIVERY_QUEUES, startServiceUnderTest, type ServiceUnderTest } from './support/service-under-test.js';

const PIN = '7302';
const MAX = 4096;
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 1)]);

describe('proof of delivery over HTTP', () => {
  const namespace = testNamespace('delivery-proof');
  let sut: ServiceUnderTest;
  let admin: ReturnType<typeof httpClient>;
  let sign: ServiceUnderTest['service']['tokens']['sign'];

  beforeAll(async () => {
    sut = await startServiceUnderTest(namespace, { env: { PROOF_MAX_BYTES: String(MAX), PIN_MAX_ATTEMPTS: '3' } });
    admin = httpClient(sut.service.url, await adminToken(sut));
    sign = sut.service.tokens.sign.bind(sut.service.tokens);
  });
  afterAll(async () => {
    await sut?.close();
    await deleteAmqpNamespace(amqpUrl(), namespace, DELIVERY_QUEUES);
  });

  /** A delivery on its way with `proof`, its rider's API, and tokens of its customer and a stranger. */
  async function onTheRoad(proof: DeliveryProof) {
    const store = sut.service.store;
    const rider = await storedRider(store);
    const delivery = await storedDelivery(store, { ...assignedTo(rider, 'in_transit'), proof });
    const token = (claims: Parameters<typeof sign>[0]) => sign(claims, 600);
    return {
      rider,
      delivery,
      riderToken: await token({ role: 'rider', sub: rider.id, riderId: rider.id }),
      riderApi: httpClient(sut.service.url, await token({ role: 'rider', sub: rider.id, riderId: rider.id })),
      customerToken: await token({ role: 'customer', sub: delivery.orderId, orderId: delivery.orderId }),
      strangerToken: await token({ role: 'customer', sub: 'someone', orderId: '9c0d2b57-0d0a-4d8b-9a55-1b2c3d4e5f60' }),
    };
  }

  /** A raw POST of `body` with the given headers (fetch cannot send a wrong Content-Length). */
  function upload(path: string, token: string, body: Buffer, contentType: string, opts: { chunked?: boolean } = {}): Promise<{ status: number; body: any }> {
    const url = new URL(`${sut.service.url}${path}`);
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { authorization: `Bearer ${token}`, 'content-type': contentType };
      if (!opts.chunked) headers['content-length'] = body.length;
      const req = httpRequest({ hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') }));
      });
      req.on('error', reject);
      if (opts.chunked) {
        // Past the limit in small pieces, without a length: counted as it comes.
        for (let i = 0; i < body.length; i += 512) req.write(body.subarray(i, i + 512));
      } else req.write(body);
      req.end();
    });
  }

  it('when the rider enters wrong PINs, then 400 wrong_pin says how many attempts are left; the third locks it (409 pin_locked) until an admin unlocks it', async () => {
    const { delivery, riderApi } = await onTheRoad({ required: 'pin', pin: PIN, failedPinAttempts: 0 });
    const first = await riderApi.post(`/deliveries/${delivery.id}/proof/pin`, { pin: '1111' });
    expect(first.status).toBe(400);
    expect(first.body.error).toMatchObject({
      code: 'wrong_pin',
      message: "That PIN is not the customer's: check it with them (2 attempts left).",
      details: { attemptsLeft: 2 },
    });
    expect((await riderApi.post(`/deliveries/${delivery.id}/proof/pin`, { pin: '2222' })).body.error.details.attemptsLeft).toBe(1);
    expect((await riderApi.post(`/deliveries/${delivery.id}/proof/pin`, { pin: '3333' })).body.error.message).toMatch(
      /no attempts left: the PIN is now locked, ask the shop to unlock it/,
    );
    const locked = await riderApi.post(`/deliveries/${delivery.id}/proof/pin`, { pin: PIN });
    expect(locked.status).toBe(409);
    expect(locked.body.error.code).toBe('pin_locked');

    expect((await riderApi.post(`/deliveries/${delivery.id}/proof/unlock`, {})).status).toBe(403);
    expect((await admin.post(`/deliveries/${delivery.id}/proof/unlock`, {})).body.proof).toEqual({ required: 'pin', pin: PIN, failedPinAttempts: 0 });
    const right = await riderApi.post(`/deliveries/${delivery.id}/proof/pin`, { pin: PIN });
    expect(right.status).toBe(200);
    expect(right.body.proof).toMatchObject({ required: 'pin', givenAt: expect.any(String) });
    expect(right.body.proof.pin).toBeUndefined();
  });

  it('when a PIN is not 4 digits, then 400 names the field and nothing is counted', async () => {
    const { delivery, riderApi } = await onTheRoad({ required: 'pin', pin: PIN, failedPinAttempts: 0 });
    for (const pin of ['123', '12345', 'abcd', 1234]) {
      const response = await riderApi.post(`/deliveries/${delivery.id}/proof/pin`, { pin });
      expect(response.status).toBe(400);
      expect(response.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['pin']);
    }
    expect((await sut.service.store.deliveries.findById(delivery.id))?.delivery.proof?.failedPinAttempts).toBe(0);
  });

  it('when riders read deliveries, then no PIN is in them; admins see it', async () => {
    const { delivery, riderApi, rider } = await onTheRoad({ required: 'pin', pin: PIN, failedPinAttempts: 0 });
    expect((await riderApi.get(`/deliveries/${delivery.id}`)).body.proof).toEqual({ required: 'pin', failedPinAttempts: 0 });
    expect(JSON.stringify((await riderApi.get(`/deliveries?riderId=${rider.id}`)).body)).not.toContain(PIN);
    expect(JSON.stringify((await riderApi.get(`/riders/${rider.id}/assignments`)).body)).not.toContain(PIN);
    expect((await admin.get(`/deliveries/${delivery.id}`)).body.proof.pin).toBe(PIN);
  });

  it("when the rider uploads the photo, then it is stored and shown to admins and that order's customer only (not even to the rider)", async () => {
    const { delivery, riderToken, customerToken, strangerToken } = await onTheRoad({ required: 'photo', failedPinAttempts: 0 });
    const stored = await upload(`/deliveries/${delivery.id}/proof/photo`, riderToken, JPEG, 'image/jpeg');
    expect(stored.status).toBe(201);
    expect(stored.body.proof).toMatchObject({
      required: 'photo',
      givenAt: expect.any(String),
      file: { kind: 'photo', contentType: 'image/jpeg', bytes: JPEG.length },
    });

    const read = (token?: string) =>
      fetch(`${sut.service.url}/deliveries/${delivery.id}/proof/file`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    for (const token of [customerToken, await adminToken(sut)]) {
      const response = await read(token);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/jpeg');
      expect(Buffer.from(await response.arrayBuffer()).equals(JPEG)).toBe(true);
    }
    expect((await read(strangerToken)).status).toBe(403);
    expect((await read()).status).toBe(401);
    expect((await read(await sign({ role: 'rider', sub: delivery.rider!.id, riderId: delivery.rider!.id }, 600))).status).toBe(403);
    const otherRider = await storedRider(sut.service.store);
    expect((await read(await sign({ role: 'rider', sub: otherRider.id, riderId: otherRider.id }, 600))).status).toBe(403);
  });

  it('when an upload is too large, of another type, not that image, empty, or by another rider, then it is refused before anything is stored', async () => {
    const { delivery, riderToken } = await onTheRoad({ required: 'signature', failedPinAttempts: 0 });
    const path = `/deliveries/${delivery.id}/proof/signature`;
    const big = Buffer.concat([PNG, Buffer.alloc(MAX)]);
    expect(await upload(path, riderToken, big, 'image/png')).toMatchObject({ status: 413, body: { error: { code: 'too_large', details: { maxBytes: MAX } } } });
    expect(await upload(path, riderToken, big, 'image/png', { chunked: true })).toMatchObject({ status: 413, body: { error: { code: 'too_large' } } });
    expect(await upload(path, riderToken, PNG, 'image/gif')).toMatchObject({ status: 415, body: { error: { code: 'unsupported_type' } } });
    expect(await upload(path, riderToken, JPEG, 'image/png')).toMatchObject({
      status: 400,
      body: { error: { code: 'not_an_image', message: 'the body is not a image/png image' } },
    });
    expect(await upload(path, riderToken, Buffer.alloc(0), 'image/png')).toMatchObject({ status: 400, body: { error: { code: 'empty_body' } } });
    expect(await upload(`/deliveries/${delivery.id}/proof/photo`, riderToken, JPEG, 'image/jpeg')).toMatchObject({
      status: 409,
      body: { error: { code: 'proof_not_asked' } },
    });
    const other = await onTheRoad({ required: 'signature', failedPinAttempts: 0 });
    expect((await upload(path, other.riderToken, PNG, 'image/png')).status).toBe(403);
    expect(await sut.service.store.proofFiles.get(delivery.id)).toBeNull();
    expect((await upload(path, riderToken, PNG, 'image/png')).status).toBe(201);
  });
});
