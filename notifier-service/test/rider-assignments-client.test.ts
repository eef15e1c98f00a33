import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it, expect } from '@jest/globals';
import { createRiderAssignmentsClient, RiderAssignmentsFetchError } from '../src/delivery-client/rider-assignments-client.js';
import { DeliveryTimeline } from './helpers/delivery-events.js';
import { FakeDeliveryService } from './helpers/fake-delivery-service.js';

describe('createRiderAssignmentsClient', () => {
  let fake: FakeDeliveryService | undefined;
  let odd: Server | undefined;
  afterEach(async () => {
    await fake?.close();
    if (odd) {
      odd.closeAllConnections();
      await new Promise((resolve) => odd!.close(resolve));
    }
    fake = odd = undefined;
  });

  /** A real server answering every request with `answer`, or never when it is undefined. */
  async function serve(answer?: { status: number; body: string }): Promise<string> {
    odd = createServer((_req, res) => {
      if (answer) res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
    await new Promise<void>((resolve) => odd!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(odd.address() as AddressInfo).port}`;
  }

  const client = (baseUrl: string, timeoutMs = 2_000) => createRiderAssignmentsClient({ baseUrl, token: async () => 'the-token', timeoutMs });

  it('when delivery-service answers, then the list comes back checked, and the request carried the bearer token', async () => {
    fake = await FakeDeliveryService.start();
    const entry = new DeliveryTimeline().assignment('picked_up');
    fake.setAssignments('rider-ann', [entry]);
    const list = await client(`${fake.url}/`).fetch('rider-ann');
    expect(list).toMatchObject({ riderId: 'rider-ann', deliveries: [entry] });
    expect(fake.requests).toEqual([{ riderId: 'rider-ann', authorization: 'Bearer the-token' }]);
  });

  it('when delivery-service answers with an error status, then the fetch fails naming the status', async () => {
    fake = await FakeDeliveryService.start();
    fake.setDown(true);
    const fetching = client(fake.url).fetch('rider-ann');
    await expect(fetching).rejects.toBeInstanceOf(RiderAssignmentsFetchError);
    await expect(fetching).rejects.toThrow(/\/riders\/rider-ann\/assignments with 503: .*database unavailable/);
  });

  it.each([
    ['is not JSON', { status: 200, body: '<html>' }, /not JSON/],
    [
      'breaks the contract',
      { status: 200, body: JSON.stringify({ riderId: 'rider-ann', deliveries: [{ deliveryId: 'x' }], updatedAt: 'now' }) },
      /invalid assignments list: deliveries\.0/,
    ],
    [
      "is another rider's",
      { status: 200, body: JSON.stringify({ riderId: 'rider-bob', deliveries: [], updatedAt: '2026-11-26T11:00:00.000Z' }) },
      /list of rider rider-bob/,
    ],
  ])('when the answer %s, then the fetch fails', async (_what, answer, message) => {
    await expect(client(await serve(answer)).fetch('rider-ann')).rejects.toThrow(message);
  });

  it('when delivery-service does not answer in time, then the fetch fails', async () => {
    await expect(client(await serve(undefined), 200).fetch('rider-ann')).rejects.toThrow(/did not answer GET .*timeout/i);
  });
});
