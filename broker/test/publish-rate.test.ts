import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { topics } from '@orderpulse/contracts';
import { waitFor } from '@orderpulse/service-kit/testing';
import { captureLogger } from './helpers/capture-logger.js';
import { metricValue } from './helpers/metrics.js';
import { connectAs, endAll } from './helpers/mqtt-clients.js';
import { IDS } from './helpers/personas.js';
import { startTestBroker, type TestBroker } from './helpers/start-broker.js';

const RATE = 20;

describe(`publishes per customer or rider token (${RATE} a second here)`, () => {
  let broker: TestBroker;

  beforeAll(async () => {
    broker = await startTestBroker(captureLogger('info').logger, { MQTT_MAX_PUBLISHES_PER_SECOND: RATE });
  });
  afterAll(async () => broker.close());

  it('when a rider publishes 60 positions at once, then 20 go through at once and the rest are held to the rate, none refused or lost, while another rider is not held behind them', async () => {
    const before = await metricValue(broker, 'mqtt_publishes_delayed_total');
    const refusedBefore = await metricValue(broker, 'mqtt_refusals_total');
    const service = await connectAs(broker.tcpUrl, 'deliveryService', { clientId: 'ingest' });
    await service.client.subscribeAsync('riders/+/location', { qos: 1 });
    const fast = await connectAs(broker.tcpUrl, 'riderX', { clientId: 'fast' });
    const other = await connectAs(broker.wsUrl, 'riderY', { clientId: 'other' });

    const flood = Promise.all(
      Array.from({ length: 60 }, (_, i) => fast.client.publishAsync(topics.riderLocation(IDS.riderX), JSON.stringify({ i }), { qos: 1 })),
    );
    await waitFor(async () => (await metricValue(broker, 'mqtt_publishes_delayed_total')) > before, 'the first publish to be held');
    await other.client.publishAsync(topics.riderLocation(IDS.riderY), '{"other":true}', { qos: 1 });
    await flood;
    await waitFor(() => service.messages.length === 61, 'all 61 messages at the service');

    const delayed = (await metricValue(broker, 'mqtt_publishes_delayed_total')) - before;
    expect(delayed).toBeGreaterThanOrEqual(30);
    expect(delayed).toBeLessThanOrEqual(40);
    const order = service.messages.map((m) => m.payload);
    // The other rider's message overtook the held ones.
    expect(order.indexOf('{"other":true}')).toBeLessThan(order.indexOf('{"i":59}'));
    expect(order.filter((p) => p !== '{"other":true}')).toEqual(Array.from({ length: 60 }, (_, i) => JSON.stringify({ i })));
    expect(await metricValue(broker, 'mqtt_refusals_total')).toBe(refusedBefore);
    expect(fast.client.connected).toBe(true);
    await endAll([service, fast, other]);
  });

  it('when the notifier (a service) publishes 200 at once, then none is held', async () => {
    const before = await metricValue(broker, 'mqtt_publishes_delayed_total');
    const notifier = await connectAs(broker.tcpUrl, 'notifier', { clientId: 'notifier' });
    await Promise.all(Array.from({ length: 200 }, () => notifier.client.publishAsync(topics.orderStatus(IDS.orderA), '{}', { qos: 1 })));
    expect(await metricValue(broker, 'mqtt_publishes_delayed_total')).toBe(before);
    await endAll([notifier]);
  });
});
