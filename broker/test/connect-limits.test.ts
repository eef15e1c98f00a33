import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, it, expect } from '@jest/globals';
import * as mqttPacket from 'mqtt-packet';
import { WebSocket } from 'ws';
import { topics } from '@orderpulse/contracts';
import { waitFor } from '@orderpulse/service-kit/testing';
import { captureLogger, type CapturedLogger } from './helpers/capture-logger.js';
import { metricValue, refusals } from './helpers/metrics.js';
import { connectAs, endAll, type RecordingClient } from './helpers/mqtt-clients.js';
import { credentialsOf, IDS } from './helpers/personas.js';
import { openPacketClient } from './helpers/raw-transports.js';
import { startTestBroker, type TestBroker } from './helpers/start-broker.js';

const CONNECT_TIMEOUT_MS = 300;

interface Watched<S> {
  socket: S;
  /** Resolves with how long after opening the connection closed; rejects after `timeoutMs`. */
  closedWithin(timeoutMs: number): Promise<number>;
}

/** Records the close from the start: a refused connection may close before the caller looks. */
function watch<S extends Socket | WebSocket>(socket: S): Watched<S> {
  const opened = Date.now();
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - opened)));
  return {
    socket,
    closedWithin: (timeoutMs) =>
      Promise.race([
        closed,
        new Promise<number>((_resolve, reject) => setTimeout(() => reject(new Error(`still open after ${timeoutMs} ms`)), timeoutMs).unref()),
      ]),
  };
}

async function rawTcp(broker: TestBroker, port = broker.tcpPort): Promise<Watched<Socket>> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  // Read (and drop) whatever comes, so a graceful close from the server is seen too.
  socket.resume();
  const watched = watch(socket);
  await once(socket, 'connect');
  return watched;
}

/**
 * A customer subscribed to its order and a notifier publishing to it, both over WebSocket from
 * 127.0.0.2 (outside the per-address count of 127.0.0.1): proof the broker still serves others.
 */
async function expectServiceAsUsual(broker: TestBroker, label: string) {
  const wsOptions = { localAddress: '127.0.0.2' };
  const customer = await connectAs(broker.wsUrl, 'customerA', { clientId: `bystander-${label}`, wsOptions });
  const notifier = await connectAs(broker.wsUrl, 'notifier', { clientId: `notifier-${label}`, wsOptions });
  try {
    await customer.client.subscribeAsync(topics.orderStatus(IDS.orderA), { qos: 1 });
    await notifier.client.publishAsync(topics.orderStatus(IDS.orderA), `{"after":"${label}"}`, { qos: 1 });
    await waitFor(() => customer.messages.some((m) => m.payload === `{"after":"${label}"}`), `the bystander's update after ${label}`);
  } finally {
    await endAll([customer, notifier]);
  }
}

describe('limits before and at CONNECT', () => {
  let broker: TestBroker;
  let log: CapturedLogger;
  const opened: Array<Socket | WebSocket> = [];
  const clients: RecordingClient[] = [];

  beforeAll(async () => {
    log = captureLogger('info');
    broker = await startTestBroker(log.logger, {
      MQTT_CONNECT_TIMEOUT_MS: CONNECT_TIMEOUT_MS,
      MQTT_MAX_CONNECTIONS_PER_ADDRESS: 3,
      REFUSAL_LOG_LINES_PER_SECOND: 1_000,
    });
  });
  afterEach(async () => {
    for (const socket of opened.splice(0)) {
      if (socket instanceof WebSocket) {
        if (socket.readyState !== socket.CLOSED) socket.terminate();
      } else socket.destroy();
    }
    await endAll(clients.splice(0));
    // Each test starts with no connection left from 127.0.0.1.
    await waitFor(async () => (await metricValue(broker, 'mqtt_connected_clients')) === 0, 'every client to be gone');
  });
  afterAll(async () => broker.close());

  describe('the CONNECT deadline', () => {
    it('when a TCP connection sends nothing, then it is closed after the deadline, counted and logged with its address', async () => {
      const before = await refusals(broker, 'connect_timeout');
      const socket = await rawTcp(broker);
      opened.push(socket.socket);
      const tookMs = await socket.closedWithin(5_000);
      expect(tookMs).toBeGreaterThanOrEqual(CONNECT_TIMEOUT_MS - 50);
      expect(await refusals(broker, 'connect_timeout')).toBe(before + 1);
      expect(log.lines).toContainEqual(
        expect.objectContaining({ reason: 'connect_timeout', msg: 'connection closed: no CONNECT in time', transport: 'tcp', address: '127.0.0.1' }),
      );
    });

    it('when a CONNECT arrives only in part (a slow sender), then the connection is closed at the deadline all the same', async () => {
      const { username, password } = await credentialsOf('customerA');
      const bytes = mqttPacket.generate({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        keepalive: 30,
        clientId: 'slow',
        username,
        password: Buffer.from(password!),
      });
      const socket = await rawTcp(broker);
      opened.push(socket.socket);
      socket.socket.write(bytes.subarray(0, bytes.length - 10));
      await socket.closedWithin(5_000);
      await expectServiceAsUsual(broker, 'slow-connect');
    });

    it('when a WebSocket is opened and no CONNECT follows, then it is closed after the deadline too', async () => {
      const before = await refusals(broker, 'connect_timeout');
      const ws = new WebSocket(broker.wsUrl, 'mqtt');
      opened.push(ws);
      ws.on('error', () => undefined);
      const watched = watch(ws);
      await once(ws, 'open');
      await watched.closedWithin(5_000);
      expect(await refusals(broker, 'connect_timeout')).toBe(before + 1);
    });

    it('when an HTTP upgrade request never finishes its headers, then the server drops it', async () => {
      const socket = await rawTcp(broker, broker.wsPort);
      opened.push(socket.socket);
      socket.socket.write('GET /mqtt HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n');
      await socket.closedWithin(5_000);
    });
  });

  describe('connections per address (limit 3)', () => {
    /** Three connected customers from 127.0.0.1 (raw sockets would be closed by the CONNECT deadline). */
    const holdThree = async () => {
      const held = [];
      for (let i = 0; i < 3; i += 1) held.push(await connectAs(broker.tcpUrl, 'customerA', { clientId: `held-${i}` }));
      clients.push(...held);
      return held;
    };

    it('when a 4th TCP connection comes from the same address, then it is closed at once, counted and logged, and another address is still served', async () => {
      const before = await refusals(broker, 'connect_address_limit');
      await holdThree();
      const fourth = await rawTcp(broker);
      opened.push(fourth.socket);
      expect(await fourth.closedWithin(2_000)).toBeLessThan(CONNECT_TIMEOUT_MS);
      expect(await refusals(broker, 'connect_address_limit')).toBe(before + 1);
      expect(log.lines).toContainEqual(
        expect.objectContaining({ reason: 'connect_address_limit', address: '127.0.0.1', transport: 'tcp', maxConnectionsPerAddress: 3 }),
      );
      await expectServiceAsUsual(broker, 'address-limit');
    });

    it('when the limit is reached over TCP, then a WebSocket upgrade from that address gets 503, and one connection closing makes room again', async () => {
      const before = await refusals(broker, 'connect_address_limit');
      const held = await holdThree();
      const ws = new WebSocket(broker.wsUrl, 'mqtt');
      ws.on('error', () => undefined);
      opened.push(ws);
      const [, response] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
      expect(response.statusCode).toBe(503);
      expect(await refusals(broker, 'connect_address_limit')).toBe(before + 1);

      await endAll([held[0]]);
      await waitFor(async () => (await metricValue(broker, 'mqtt_connected_clients')) === 2, 'the broker to see one held connection go');
      const customer = await connectAs(broker.tcpUrl, 'customerA', { clientId: 'room-again' });
      clients.push(customer);
      expect(customer.client.connected).toBe(true);
    });
  });

  describe('client ids', () => {
    it('when a client id is longer than 128 characters, then CONNACK 2 answers and the log line holds a short prefix of it', async () => {
      const before = await refusals(broker, 'connect_client_id_too_long');
      const client = await openPacketClient(broker, 'tcp');
      const longId = 'i'.repeat(1_000);
      expect((await client.connect(longId, await credentialsOf('customerA'))).returnCode).toBe(2);
      await client.waitUntilClosed();
      expect(await refusals(broker, 'connect_client_id_too_long')).toBe(before + 1);
      const line = log.lines.find((l) => l.reason === 'connect_client_id_too_long')!;
      expect(line).toMatchObject({ clientId: `${'i'.repeat(128)}…[1000 chars]`, clientIdLength: 1_000, msg: 'connect refused: client id too long' });
      expect(JSON.stringify(line).length).toBeLessThan(1_024);
    });

    it('when a client id is exactly 128 characters, then it connects', async () => {
      const client = await openPacketClient(broker, 'tcp');
      expect((await client.connect('k'.repeat(128), await credentialsOf('customerA'))).returnCode).toBe(0);
      client.close();
    });
  });

  describe('keepalive (at most 1 s here)', () => {
    let broker: TestBroker;
    beforeAll(async () => {
      broker = await startTestBroker(log.logger, { MQTT_MAX_KEEPALIVE_SECONDS: 1 });
    });
    afterAll(async () => broker.close());

    it('when a client asks for keepalive 0 and then stays silent, then the broker applies its maximum and closes it after 1.5 × 1 s, counting the replacement', async () => {
      const before = await metricValue(broker, 'mqtt_keepalive_capped_total', { requested: 'zero' });
      const silent = await openPacketClient(broker, 'tcp');
      expect((await silent.connect('silent', await credentialsOf('customerA'))).returnCode).toBe(0);
      expect(await metricValue(broker, 'mqtt_keepalive_capped_total', { requested: 'zero' })).toBe(before + 1);
      await silent.waitUntilClosed();
    });

    it('when a client asks for more than the maximum, then it is replaced too, and a client that pings in time stays connected', async () => {
      const before = await metricValue(broker, 'mqtt_keepalive_capped_total', { requested: 'above_max' });
      const pinging = await connectAs(broker.tcpUrl, 'customerA', { clientId: 'pinging', keepalive: 1 });
      const greedy = await connectAs(broker.tcpUrl, 'customerB', { clientId: 'greedy', keepalive: 600 });
      clients.push(pinging, greedy);
      expect(await metricValue(broker, 'mqtt_keepalive_capped_total', { requested: 'above_max' })).toBe(before + 1);
      // mqtt.js pings every 600 s here, so the broker's 1.5 s idle limit ends it.
      await waitFor(() => !greedy.client.connected, 'the greedy client to be closed', 5_000);
      expect(pinging.client.connected).toBe(true);
    });
  });
});
