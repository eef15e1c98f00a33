import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, it, expect } from '@jest/globals';
import { topics } from '@orderpulse/contracts';
import { waitFor } from '@orderpulse/service-kit/testing';
import { captureLogger } from './helpers/capture-logger.js';
import { forge } from './helpers/forged-tokens.js';
import { connectAs, endAll, grantedQos, type RecordingClient } from './helpers/mqtt-clients.js';
import { CLAIMS, IDS } from './helpers/personas.js';
import { openPacketClient } from './helpers/raw-transports.js';
import { startTestBroker, type TestBroker } from './helpers/start-broker.js';
import { trackedClients } from './helpers/tracked-clients.js';

const { orderA, orderB, riderX } = IDS;

describe('client ids are scoped by subject', () => {
  let broker: TestBroker;
  let notifier: RecordingClient;
  const tracked = trackedClients(() => broker);
  const { connect, connectRaw } = tracked;

  beforeAll(async () => {
    broker = await startTestBroker(captureLogger('warn').logger);
    notifier = await connectAs(broker.tcpUrl, 'notifier', { clientId: 'notifier' });
  });
  afterEach(() => tracked.closeAll());
  afterAll(async () => {
    await endAll([notifier]);
    await broker.close();
  });

  it("when customer B connects with customer A's client id, then A is not kicked and both keep their own session", async () => {
    const a = await connect('customerA', 'same-id');
    expect(await grantedQos(a, topics.orderStatus(orderA))).toBe(1);
    let aClosed = false;
    a.client.stream.once('close', () => (aClosed = true));

    const b = await connect('customerB', 'same-id');
    expect(await grantedQos(b, topics.orderStatus(orderB))).toBe(1);
    await notifier.client.publishAsync(topics.orderStatus(orderA), 'for A', { qos: 1 });
    await notifier.client.publishAsync(topics.orderStatus(orderB), 'for B', { qos: 1 });
    await waitFor(() => a.messages.length > 0 && b.messages.length > 0, 'both messages');

    expect(aClosed).toBe(false);
    expect(a.client.connected).toBe(true);
    expect(a.messages.map((m) => m.payload)).toEqual(['for A']);
    expect(b.messages.map((m) => m.payload)).toEqual(['for B']);
  });

  it('when a forged token reuses a connected client id, then it is refused and the owner stays connected', async () => {
    const a = await connect('customerA', 'victim');
    const forged = await openPacketClient(broker, 'tcp');
    const connack = await forged.connect('victim', { username: 'customer', password: await forge.algNone(CLAIMS.customerA) });
    expect(connack.returnCode).toBe(5);
    await forged.waitUntilClosed();
    forged.close();
    expect(await grantedQos(a, topics.orderStatus(orderA))).toBe(1);
    expect(a.client.connected).toBe(true);
  });

  it('when the same subject connects again with the same id, then it takes over and the older connection is closed [MQTT-3.1.4-2]', async () => {
    const first = await connect('customerA', 'my-tab');
    const closed = once(first.client.stream, 'close');
    const second = await connect('customerA', 'my-tab');
    await closed;
    expect(second.client.connected).toBe(true);
    expect(await grantedQos(second, topics.orderStatus(orderA))).toBe(1);
  });

  it("when another subject connects with delivery-service's id while it is offline, then it neither resumes nor wipes that persistent session", async () => {
    const service = await connectRaw('deliveryService', 'delivery-service-main', false);
    expect(await service.client.subscribe('riders/+/location')).toBe(1);
    service.client.close();
    await waitFor(() => service.client.closed, 'delivery-service to go offline');

    const rider = await connect('riderX', 'rider-device');
    await rider.client.publishAsync(topics.riderLocation(riderX), '{"lat":1,"lng":2}', { qos: 1 });

    const squatter = await connectRaw('customerB', 'delivery-service-main', false);
    expect(squatter.connack).toMatchObject({ returnCode: 0, sessionPresent: false });
    squatter.client.close();

    const back = await connectRaw('deliveryService', 'delivery-service-main', false);
    expect(back.connack).toMatchObject({ returnCode: 0, sessionPresent: true });
    const queued = await back.client.next('publish');
    expect(queued).toMatchObject({ topic: topics.riderLocation(riderX), payload: Buffer.from('{"lat":1,"lng":2}') });
  });
});
