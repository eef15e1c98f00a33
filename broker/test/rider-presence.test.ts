import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import { RIDER_HEARTBEAT_MAX_BYTES, riderPresenceMessageSchema, topics } from '@orderpulse/contracts';
import { waitFor } from '@orderpulse/service-kit/testing';
import { captureLogger, type CapturedLogger } from './helpers/capture-logger.js';
import { metricValue, refusals } from './helpers/metrics.js';
import { connectAs, endAll, type RecordingClient } from './helpers/mqtt-clients.js';
import { credentialsOf, IDS } from './helpers/personas.js';
import { openPacketClient } from './helpers/raw-transports.js';
import { startTestBroker, type TestBroker } from './helpers/start-broker.js';

const presence = topics.riderPresence(IDS.riderX);
const heartbeat = topics.riderHeartbeat(IDS.riderX);

describe('rider presence and heartbeats', () => {
  let broker: TestBroker;
  let log: CapturedLogger;
  let admin: RecordingClient;
  const states = () => admin.messages.filter((m) => m.topic === presence).map((m) => riderPresenceMessageSchema.parse(JSON.parse(m.payload)).online);

  beforeAll(async () => {
    log = captureLogger('info');
    broker = await startTestBroker(log.logger);
    admin = await connectAs(broker.tcpUrl, 'admin', { clientId: 'admin-console' });
    await admin.client.subscribeAsync('riders/+/presence', { qos: 1 });
  });
  afterAll(async () => {
    await endAll([admin]);
    await broker.close();
  });

  it('when a rider connects twice and the connections end one after the other, the last abruptly, then the broker publishes online once and offline once, retained', async () => {
    const phone = await openPacketClient(broker, 'tcp');
    expect((await phone.connect('rider-phone', await credentialsOf('riderX'))).returnCode).toBe(0);
    await waitFor(() => states().length === 1, 'online');
    const reconnecting = await openPacketClient(broker, 'tcp');
    expect((await reconnecting.connect('rider-phone-2', await credentialsOf('riderX'))).returnCode).toBe(0);
    // A marker after the second CONNECT: the broker has seen it, and published nothing for it.
    expect(await reconnecting.publish(heartbeat, JSON.stringify({ at: new Date().toISOString() }))).toBe('puback');
    const connected = await metricValue(broker, 'mqtt_connected_clients');
    phone.close();
    await waitFor(async () => (await metricValue(broker, 'mqtt_connected_clients')) === connected - 1, 'the first connection gone');
    expect(states()).toEqual([true]); // the rider still has a connection
    const before = Date.now();
    reconnecting.close(); // the socket destroyed, no DISCONNECT: the phone lost its network
    await waitFor(() => states().length === 2, 'offline');
    expect(states()).toEqual([true, false]);
    const last = riderPresenceMessageSchema.parse(JSON.parse(admin.messages.filter((m) => m.topic === presence).at(-1)!.payload));
    expect(last).toMatchObject({ riderId: IDS.riderX, online: false });
    expect(Date.parse(last.at)).toBeGreaterThanOrEqual(before - 1_000);

    // Retained: a console opened later learns the rider is offline.
    const late = await connectAs(broker.tcpUrl, 'admin', { clientId: 'admin-late' });
    await late.client.subscribeAsync(presence, { qos: 1 });
    await waitFor(() => late.messages.length === 1, 'the retained presence');
    expect(late.messages[0]).toMatchObject({ retain: true });
    expect(JSON.parse(late.messages[0]!.payload)).toMatchObject({ online: false });
    await endAll([late]);
  });

  it('when a rider tries to write its presence itself, then it is disconnected: only the broker writes it', async () => {
    const rider = await openPacketClient(broker, 'tcp');
    expect((await rider.connect('rider-liar', await credentialsOf('riderX'))).returnCode).toBe(0);
    expect(await rider.publish(presence, JSON.stringify({ riderId: IDS.riderX, online: true, at: new Date().toISOString() }))).toBe('closed');
  });

  it(`when a heartbeat is larger than ${RIDER_HEARTBEAT_MAX_BYTES} bytes, then it is refused as too large (a heartbeat only says "still here")`, async () => {
    const before = await refusals(broker, 'payload_too_large');
    const rider = await openPacketClient(broker, 'tcp');
    expect((await rider.connect('rider-big-heartbeat', await credentialsOf('riderX'))).returnCode).toBe(0);
    expect(await rider.publish(heartbeat, JSON.stringify({ at: new Date().toISOString(), pad: 'x'.repeat(RIDER_HEARTBEAT_MAX_BYTES) }))).toBe('closed');
    expect(await refusals(broker, 'payload_too_large')).toBe(before + 1);
    const fits = await openPacketClient(broker, 'tcp');
    expect((await fits.connect('rider-small-heartbeat', await credentialsOf('riderX'))).returnCode).toBe(0);
    expect(await fits.publish(heartbeat, JSON.stringify({ at: new Date().toISOString(), pad: 'x'.repeat(RIDER_HEARTBEAT_MAX_BYTES - 60) }))).toBe('puback');
    fits.close();
  });
});
