import { afterAll, afterEach, beforeAll, describe, it, expect, jest } from '@jest/globals';
import type { MqttClient } from 'mqtt';
import { topics } from '@orderpulse/contracts';
import { waitFor } from '@orderpulse/service-kit/testing';
import { captureLogger, type CapturedLogger } from './helpers/capture-logger.js';
import { connectAs, connectRecording, endAll, grantedQos, type RecordingClient } from './helpers/mqtt-clients.js';
import { CLAIMS, IDS, testTokens } from './helpers/personas.js';
import type { PacketClient } from './helpers/packet-client.js';
import { openPacketClient, type TransportName } from './helpers/raw-transports.js';
import { startTestBroker, type TestBroker } from './helpers/start-broker.js';

const { orderA } = IDS;
const customerA = CLAIMS.customerA;
const tokens = testTokens();

/** Tokens expire at whole seconds, so the tests below wait for real expiries of 1 to 2 s. */
const EXPIRY_TEST_TIMEOUT_MS = 10_000;

/** A customer token that expires 1 to 2 s from now (`exp` has whole seconds), with that expiry in ms. */
async function shortLivedToken(): Promise<{ token: string; expiresAtMs: number }> {
  const token = await tokens.sign(customerA, 2);
  return { token, expiresAtMs: (await tokens.verify(token)).exp * 1000 };
}

/** Resolves when the client's connection closes; rejects if it is still open after timeoutMs. */
function closed(client: MqttClient, timeoutMs = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the connection was still open after ${timeoutMs} ms`)), timeoutMs);
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Resolves with the time the client's connection closed (see closed). */
async function closedAt(client: MqttClient, timeoutMs = 5_000): Promise<number> {
  await closed(client, timeoutMs);
  return Date.now();
}

describe('token expiry while connected', () => {
  let broker: TestBroker;
  let log: CapturedLogger;
  let notifier: RecordingClient;
  const clients: RecordingClient[] = [];
  const urlOf = (transport: TransportName) => (transport === 'tcp' ? broker.tcpUrl : broker.wsUrl);
  const track = (client: RecordingClient) => (clients.push(client), client);
  const connectWithToken = async (transport: TransportName, clientId: string, token: string) =>
    track(await connectRecording(urlOf(transport), { clientId, username: customerA.role, password: token }));
  const expiryLines = (clientId: string) => log.lines.filter((l) => l.msg === 'token expired: connection closed' && l.clientId === clientId);
  const expiredDisconnects = async () => {
    const metrics = await (await fetch(broker.metricsUrl)).text();
    return Number(/^mqtt_token_expired_disconnects_total\{[^}]*\} (\d+)$/m.exec(metrics)?.[1]);
  };

  beforeAll(async () => {
    log = captureLogger('info');
    broker = await startTestBroker(log.logger);
    notifier = await connectAs(broker.tcpUrl, 'notifier', { clientId: 'notifier' });
  });
  afterAll(async () => {
    await endAll([...clients, notifier]);
    await broker.close();
  });

  describe.each<TransportName>(['tcp', 'websocket'])('over %s, when a customer token expires', (transport) => {
    const clientId = `tab-${transport}`;
    let expiresAtMs: number;
    let token: string;
    let grantedBeforeExpiry: number | undefined;
    let closedAtMs: number;
    let disconnectsBefore: number;

    beforeAll(async () => {
      disconnectsBefore = await expiredDisconnects();
      ({ token, expiresAtMs } = await shortLivedToken());
      const tab = await connectWithToken(transport, clientId, token);
      const tabClosedAt = closedAt(tab.client);
      grantedBeforeExpiry = await grantedQos(tab, topics.orderStatus(orderA));
      closedAtMs = await tabClosedAt;
    }, EXPIRY_TEST_TIMEOUT_MS);

    it('then the broker closes the connection once it has expired, and not before', () => {
      expect(grantedBeforeExpiry).toBe(1);
      expect(closedAtMs).toBeGreaterThanOrEqual(expiresAtMs);
    });

    it('then the closure is logged once at info with the client id, role, subject and expiry', () => {
      expect(expiryLines(clientId)).toEqual([
        expect.objectContaining({ level: 30, role: 'customer', sub: customerA.sub, expiresAt: new Date(expiresAtMs).toISOString() }),
      ]);
    });

    it('then /metrics counts it in mqtt_token_expired_disconnects_total', async () => {
      expect((await expiredDisconnects()) - disconnectsBefore).toBe(1);
    });

    it('then a reconnect with the same, now expired, token is refused with CONNACK 5', async () => {
      await expect(connectWithToken(transport, clientId, token)).rejects.toMatchObject({ code: 5 });
      await waitFor(() => log.lines.some((l) => l.clientId === clientId && l.reason === 'connect_token_expired'), 'the refusal to be logged');
    });

    it('then a reconnect under the same client id with a fresh token is accepted and receives messages', async () => {
      const tab = track(await connectAs(urlOf(transport), 'customerA', { clientId }));
      expect(await grantedQos(tab, topics.orderStatus(orderA))).toBe(1);
      await notifier.client.publishAsync(topics.orderStatus(orderA), `after reconnect over ${transport}`, { qos: 1 });
      await waitFor(() => tab.messages.length > 0, 'the message on the new connection');
      expect(tab.messages.map((m) => m.payload)).toEqual([`after reconnect over ${transport}`]);
      expect(tab.client.connected).toBe(true);
    });
  });

  it(
    'when a client takes over its client id with a fresh token before the old one expires, then the old connection’s timer does not close or log the new one',
    async () => {
      const { token, expiresAtMs } = await shortLivedToken();
      const old = await connectWithToken('tcp', 'refreshing-tab', token);
      // Same token: its timer fires when the old connection's would have.
      const witness = await connectWithToken('tcp', 'witness-tab', token);
      const oldClosed = closed(old.client);
      const witnessClosed = closedAt(witness.client);

      const fresh = track(await connectAs(broker.tcpUrl, 'customerA', { clientId: 'refreshing-tab' }));
      await oldClosed;
      expect(await witnessClosed).toBeGreaterThanOrEqual(expiresAtMs);
      expect(await grantedQos(fresh, topics.orderStatus(orderA))).toBe(1);
      await notifier.client.publishAsync(topics.orderStatus(orderA), 'after the old expiry', { qos: 1 });
      await waitFor(() => fresh.messages.length > 0, 'the message on the fresh connection');

      expect(fresh.client.connected).toBe(true);
      expect(expiryLines('witness-tab')).toHaveLength(1);
      expect(expiryLines('refreshing-tab')).toEqual([]);
    },
    EXPIRY_TEST_TIMEOUT_MS,
  );

  describe('when the session has expired but its timer has not fired yet (a late timer)', () => {
    const raw: PacketClient[] = [];
    /** A connected raw client (fresh 600 s token), then a clock moved past that token's expiry. */
    const connectThenExpire = async (clientId: string, persona: 'customerA' | 'riderX') => {
      const client = await openPacketClient(broker, 'tcp');
      raw.push(client);
      const claims = CLAIMS[persona];
      expect((await client.connect(clientId, { username: claims.role, password: await tokens.sign(claims, 600) })).returnCode).toBe(0);
      const realNow = Date.now.bind(Date);
      jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 601_000);
      return client;
    };
    const linesOf = (clientId: string) => log.lines.filter((l) => l.clientId === clientId);

    afterEach(() => {
      jest.restoreAllMocks();
      for (const client of raw.splice(0)) client.close();
    });

    it('then a SUBSCRIBE gets no SUBACK: the connection is closed and the refusal logged', async () => {
      const client = await connectThenExpire('late-sub', 'customerA');
      client.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: topics.orderStatus(orderA), qos: 1 }] });
      await client.waitUntilClosed();
      expect(client.received.map((p) => p.cmd)).toEqual(['connack']);
      expect(linesOf('late-sub')).toEqual([
        expect.objectContaining({
          level: 40,
          msg: 'subscription refused: token expired',
          reason: 'subscribe_token_expired',
          role: 'customer',
          topic: topics.orderStatus(orderA),
        }),
      ]);
    });

    it('then a PUBLISH gets no PUBACK: the connection is closed and the refusal logged', async () => {
      const client = await connectThenExpire('late-pub', 'riderX');
      const topic = topics.riderLocation(IDS.riderX);
      expect(await client.publish(topic, '{"lat":1,"lng":2}')).toBe('closed');
      expect(linesOf('late-pub')).toEqual([
        expect.objectContaining({ level: 40, msg: 'publish refused: token expired', reason: 'publish_token_expired', role: 'rider', topic }),
      ]);
    });
  });
});
