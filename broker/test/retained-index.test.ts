import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import { topics } from '@orderpulse/contracts';
import { waitFor } from '@orderpulse/service-kit/testing';
import { captureLogger } from './helpers/capture-logger.js';
import { connectAs, endAll, type RecordingClient } from './helpers/mqtt-clients.js';
import { IDS } from './helpers/personas.js';
import { startTestBroker, type TestBroker } from './helpers/start-broker.js';

/** Retained messages are looked up by topic for exact subscriptions; wildcards still see them all. */
describe('retained messages with the topic index', () => {
  let broker: TestBroker;
  const clients: RecordingClient[] = [];
  const others = Array.from({ length: 300 }, (_, i) => `0000000${i}`.slice(-8) + '-1111-4111-8111-111111111111');

  beforeAll(async () => {
    broker = await startTestBroker(captureLogger('warn').logger);
    const notifier = await connectAs(broker.tcpUrl, 'notifier', { clientId: 'notifier-retained' });
    clients.push(notifier);
    for (const id of [...others, IDS.orderA]) {
      await notifier.client.publishAsync(topics.orderStatus(id), JSON.stringify({ orderId: id, version: 1 }), { qos: 1, retain: true });
    }
    await notifier.client.publishAsync(topics.orderStatus(IDS.orderA), JSON.stringify({ orderId: IDS.orderA, version: 2 }), { qos: 1, retain: true });
    await notifier.client.publishAsync(topics.orderStatus(others[0]!), '', { qos: 1, retain: true }); // cleared
  });

  afterAll(async () => {
    await endAll(clients);
    await broker?.close();
  });

  it('when a customer subscribes to its exact topics, then it gets only its own latest retained status', async () => {
    const customer = await connectAs(broker.tcpUrl, 'customerA', { clientId: 'customer-a-retained' });
    clients.push(customer);
    await customer.client.subscribeAsync([topics.orderStatus(IDS.orderA), topics.orderTracking(IDS.orderA)], { qos: 1 });
    await waitFor(() => customer.messages.length > 0, 'the retained status');
    expect(customer.messages).toEqual([
      { topic: topics.orderStatus(IDS.orderA), payload: JSON.stringify({ orderId: IDS.orderA, version: 2 }), qos: 1, retain: true },
    ]);
  });

  it('when an admin subscribes with a wildcard, then every retained status comes, the cleared one not', async () => {
    const admin = await connectAs(broker.tcpUrl, 'admin', { clientId: 'admin-retained' });
    clients.push(admin);
    await admin.client.subscribeAsync('orders/+/status', { qos: 1 });
    await waitFor(() => admin.messages.length >= others.length, 'every retained status');
    const seen = new Set(admin.messages.map((m) => m.topic));
    expect(seen.size).toBe(others.length); // 299 others + orderA
    expect(seen.has(topics.orderStatus(others[0]!))).toBe(false);
    expect(seen.has(topics.orderStatus(IDS.orderA))).toBe(true);
  });
});
