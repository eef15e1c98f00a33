import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { topics } from '@orderpulse/contracts';
import { subackCodes, waitFor } from '@orderpulse/service-kit/testing';
import { captureLogger, type CapturedLogger } from './helpers/capture-logger.js';
import { refusals } from './helpers/metrics.js';
import { connectAs, endAll, type RecordingClient } from './helpers/mqtt-clients.js';
import { IDS } from './helpers/personas.js';
import { startTestBroker, type TestBroker } from './helpers/start-broker.js';

const CAP = 5;

const ownFilters = (count: number, from = 0) => Array.from({ length: count }, (_, i) => `riders/${IDS.riderX}/x/${from + i}`);
/** A filter the rider may hold that the notifier publishes to. */
const ASSIGNMENTS = topics.riderAssignments(IDS.riderX);

describe(`subscriptions per connection (at most ${CAP} here)`, () => {
  let broker: TestBroker;
  let log: CapturedLogger;
  const open: RecordingClient[] = [];
  const connect = async (...args: Parameters<typeof connectAs>) => {
    const client = await connectAs(...args);
    open.push(client);
    return client;
  };

  beforeAll(async () => {
    log = captureLogger('info');
    broker = await startTestBroker(log.logger, { MQTT_MAX_SUBSCRIPTIONS_PER_CLIENT: CAP });
  });
  afterEach(async () => endAll(open.splice(0)));
  afterAll(async () => broker.close());

  it('when a rider subscribes to more filters inside its own tree than the cap in one SUBSCRIBE, then the extra ones get SUBACK 128, counted and logged, and it stays connected and served', async () => {
    const before = await refusals(broker, 'subscribe_limit');
    const rider = await connect(broker.tcpUrl, 'riderX', { clientId: 'many-filters' });
    const codes = await subackCodes(rider.client, [ASSIGNMENTS, ...ownFilters(CAP + 2)]);
    expect(codes).toEqual([...Array(CAP).fill(1), 128, 128, 128]);
    expect(await refusals(broker, 'subscribe_limit')).toBe(before + 3);
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        reason: 'subscribe_limit',
        role: 'rider',
        topic: `riders/${IDS.riderX}/x/${CAP - 1}`,
        msg: 'subscription refused: too many subscriptions on this connection',
      }),
    );
    // A later SUBSCRIBE is refused too, and what it holds still works.
    expect(await subackCodes(rider.client, ownFilters(1, 100))).toEqual([128]);
    const notifier = await connect(broker.tcpUrl, 'notifier', { clientId: 'notifier' });
    await notifier.client.publishAsync(ASSIGNMENTS, '{}', { qos: 1 });
    await waitFor(() => rider.messages.length === 1, 'the rider to receive on a filter it holds');
    expect(rider.client.connected).toBe(true);
  });

  it('when it unsubscribes, then the filters it gave back can be used again; a filter it already holds never counts twice', async () => {
    const rider = await connect(broker.tcpUrl, 'riderX', { clientId: 'gives-back' });
    expect(await subackCodes(rider.client, ownFilters(CAP))).toEqual(Array(CAP).fill(1));
    expect(await subackCodes(rider.client, ownFilters(1))).toEqual([1]);
    expect(await subackCodes(rider.client, ownFilters(1, CAP))).toEqual([128]);
    await rider.client.unsubscribeAsync(ownFilters(2));
    expect(await subackCodes(rider.client, ownFilters(3, CAP))).toEqual([1, 1, 128]);
  });

  it('when a persistent session asks for more than the cap in one SUBSCRIBE (stored before they are added), then it keeps the cap, and the filters restored on resuming it still count', async () => {
    const first = await connect(broker.tcpUrl, 'riderX', { clientId: 'persistent-many', clean: false });
    expect(await subackCodes(first.client, [ASSIGNMENTS, ...ownFilters(CAP + 1)])).toEqual([...Array(CAP).fill(1), 128, 128]);
    await first.client.endAsync();
    const resumed = await connect(broker.tcpUrl, 'riderX', { clientId: 'persistent-many', clean: false });
    const notifier = await connect(broker.tcpUrl, 'notifier', { clientId: 'notifier-2' });
    await notifier.client.publishAsync(ASSIGNMENTS, '{}', { qos: 1 });
    await waitFor(() => resumed.messages.length === 1, 'the restored subscription to deliver');
    // The restored filters count against the cap on the new connection.
    expect(await subackCodes(resumed.client, ownFilters(1, 100))).toEqual([128]);
  });

  it('when the notifier (a service) subscribes to more than the cap, then all are granted', async () => {
    const notifier = await connect(broker.tcpUrl, 'notifier', { clientId: 'notifier-many' });
    const filters = Array.from({ length: CAP + 3 }, (_, i) => topics.orderStatus(`00000000-0000-4000-8000-00000000000${i}`));
    expect(await subackCodes(notifier.client, filters)).toEqual(Array(CAP + 3).fill(1));
  });
});
