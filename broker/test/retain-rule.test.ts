import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import { topics } from '@orderpulse/contracts';
import { waitFor } from '@orderpulse/service-kit/testing';
import { captureLogger, type CapturedLogger } from './helpers/capture-logger.js';
import { refusals } from './helpers/metrics.js';
import { connectAs, endAll, type RecordingClient } from './helpers/mqtt-clients.js';
import { credentialsOf, IDS } from './helpers/personas.js';
import { openPacketClient } from './helpers/raw-transports.js';
import { startTestBroker, type TestBroker } from './helpers/start-broker.js';

const { riderX, delivery } = IDS;
const ownStatus = `riders/${riderX}/deliveries/${delivery}/status`;

describe('only services may retain', () => {
  let broker: TestBroker;
  let log: CapturedLogger;
  let notifier: RecordingClient;

  beforeAll(async () => {
    log = captureLogger('info');
    broker = await startTestBroker(log.logger);
    notifier = await connectAs(broker.tcpUrl, 'notifier', { clientId: 'notifier' });
  });
  afterAll(async () => {
    await endAll([notifier]);
    await broker.close();
  });

  it('when a rider publishes a retained status to its own topic, then it is disconnected without a PUBACK, counted and logged, and nothing is retained', async () => {
    const before = await refusals(broker, 'publish_retain_not_allowed');
    const rider = await openPacketClient(broker, 'tcp');
    expect((await rider.connect('rider-phone', await credentialsOf('riderX'))).returnCode).toBe(0);
    expect(await rider.publish(ownStatus, '{"status":"picked_up"}', true)).toBe('closed');
    expect(await refusals(broker, 'publish_retain_not_allowed')).toBe(before + 1);
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        level: 40,
        reason: 'publish_retain_not_allowed',
        clientId: 'rider-phone',
        role: 'rider',
        topic: ownStatus,
        msg: 'publish refused: retain is for services only',
      }),
    );

    // An admin subscribing to riders/# afterwards gets nothing retained: only the marker published after it subscribed.
    const admin = await connectAs(broker.tcpUrl, 'admin', { clientId: 'admin-console' });
    await admin.client.subscribeAsync('riders/#', { qos: 1 });
    await notifier.client.publishAsync(topics.riderAssignments(riderX), '{"marker":true}', { qos: 1 });
    await waitFor(() => admin.messages.some((m) => m.payload === '{"marker":true}'), 'the marker');
    // The rider's presence is retained by the broker itself (presence/rider-presence.ts), not by the rider.
    expect(admin.messages.filter((m) => m.topic !== topics.riderPresence(riderX))).toEqual([
      { topic: topics.riderAssignments(riderX), payload: '{"marker":true}', qos: 1, retain: false },
    ]);
    await endAll([admin]);
  });

  it('when the same rider publishes without retain, then it is acknowledged as before', async () => {
    const rider = await openPacketClient(broker, 'tcp');
    expect((await rider.connect('rider-phone-2', await credentialsOf('riderX'))).returnCode).toBe(0);
    expect(await rider.publish(ownStatus, '{"status":"picked_up"}', false)).toBe('puback');
    rider.close();
  });

  it('when the notifier (a service) retains a status, then a later subscriber gets it, flagged retained', async () => {
    await notifier.client.publishAsync(topics.orderStatus(IDS.orderA), '{"status":"shipped"}', { qos: 1, retain: true });
    const customer = await connectAs(broker.tcpUrl, 'customerA', { clientId: 'late-tab' });
    await customer.client.subscribeAsync(topics.orderStatus(IDS.orderA), { qos: 1 });
    await waitFor(() => customer.messages.length === 1, 'the retained status');
    expect(customer.messages[0]).toMatchObject({ payload: '{"status":"shipped"}', retain: true });
    await endAll([customer]);
  });
});
