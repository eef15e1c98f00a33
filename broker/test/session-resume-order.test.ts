import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { connect, type MqttClient } from 'mqtt';
import { topics } from '@orderpulse/contracts';
import { waitFor } from '@orderpulse/service-kit/testing';
import { captureLogger } from './helpers/capture-logger.js';
import { connectAs, endAll, type RecordingClient } from './helpers/mqtt-clients.js';
import { credentialsOf, IDS } from './helpers/personas.js';
import { startTestBroker, type TestBroker } from './helpers/start-broker.js';

const REPORTS = 400;

describe('a persistent session that comes back while messages keep arriving', () => {
  let broker: TestBroker;
  let rider: RecordingClient;

  beforeAll(async () => {
    broker = await startTestBroker(captureLogger('info').logger, { MQTT_MAX_PUBLISHES_PER_SECOND: 100_000 });
    rider = await connectAs(broker.tcpUrl, 'riderX', { clientId: 'rider-device' });
  });
  afterAll(async () => {
    await endAll([rider]);
    await broker.close();
  });

  const serviceSession = async (): Promise<{ client: MqttClient; received: number[] }> => {
    const received: number[] = [];
    const client = connect(broker.tcpUrl, {
      ...(await credentialsOf('deliveryService')),
      clientId: 'delivery-service-order',
      clean: false,
      reconnectPeriod: 0,
    });
    // Listening before CONNACK: the queued messages follow it in the same read.
    client.on('message', (_topic, payload) => received.push((JSON.parse(payload.toString()) as { i: number }).i));
    await once(client, 'connect');
    return { client, received };
  };

  it('when it reconnects mid-stream, then it gets what was queued before anything published since, each report in the order sent', async () => {
    const first = await serviceSession();
    await first.client.subscribeAsync('riders/+/location', { qos: 1 });
    await first.client.endAsync(true);

    // Reports keep coming; the session resumes while they do.
    let sent = 0;
    const publishing = (async () => {
      for (; sent < REPORTS; sent += 1) await rider.client.publishAsync(topics.riderLocation(IDS.riderX), JSON.stringify({ i: sent }), { qos: 1 });
    })();
    await waitFor(() => sent >= REPORTS / 4, 'a quarter of the reports to be queued');
    const back = await serviceSession();
    await publishing;
    await waitFor(() => new Set(back.received).size === REPORTS, `all ${REPORTS} reports at the resumed session`, 10_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${new Set(back.received).size} distinct received`);
    });
    await back.client.endAsync(true);

    const firstSeen = [...new Set(back.received)];
    expect(firstSeen).toEqual(Array.from({ length: REPORTS }, (_, i) => i));
  });
});
