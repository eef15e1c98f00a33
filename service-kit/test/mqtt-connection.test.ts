import { afterEach, describe, it, expect, jest } from '@jest/globals';
import { Socket } from 'node:net';
import { connectAsync } from 'mqtt';
import { DependencyUnavailableError } from '../src/index.js';
import { connectMqtt, type MqttConnection, type MqttConnectionOptions, type MqttCredentialSource } from '../src/mqtt/index.js';
import { startAedes, recordingAuthenticator, type InProcessBroker } from '../src/testing/aedes.js';
import { captureLogger, freePort, waitFor, type CapturedLogger } from '../src/testing/index.js';

/** Hands out `token-1`, `token-2`, … one per CONNECT. */
function countingCredentials(): MqttCredentialSource & { calls: () => number } {
  let calls = 0;
  return { next: async () => ({ username: 'service', password: `token-${(calls += 1)}` }), settings: 'JWT_SECRET', calls: () => calls };
}

const LINES = { connected: 'test connected', reconnected: 'test reconnected', lost: 'test connection lost' };

describe('the MQTT connection lifecycle', () => {
  let broker: InProcessBroker | undefined;
  let connection: MqttConnection | undefined;
  let log: CapturedLogger;
  afterEach(async () => {
    await connection?.close();
    await broker?.close();
    connection = broker = undefined;
  });

  const open = (overrides: Partial<MqttConnectionOptions> & Pick<MqttConnectionOptions, 'url'>) => {
    log = captureLogger('info');
    return connectMqtt({
      clientId: 'lifecycle-test',
      credentials: countingCredentials(),
      logger: log.logger,
      connectTimeoutMs: 2_000,
      clean: true,
      who: 'the test service',
      log: LINES,
      reconnectBackoff: { initialMs: 20, maxMs: 100 },
      ...overrides,
    });
  };
  const restart = async () => {
    const port = broker!.port;
    await broker!.close();
    await waitFor(() => !connection!.isConnected(), 'the client to notice the broker is gone');
    broker = await startAedes({ port, authenticate: auth.authenticate });
    await waitFor(() => connection!.isConnected(), 'the client to reconnect');
  };
  let auth = recordingAuthenticator(async () => true);

  it('when the connection drops, then it reconnects with backoff presenting new credentials, and logs the loss once and the reconnect', async () => {
    auth = recordingAuthenticator(async (username, password) => username === 'service' && /^token-\d+$/.test(password ?? ''));
    broker = await startAedes({ authenticate: auth.authenticate });
    const credentials = countingCredentials();
    connection = await open({ url: broker.url, credentials });
    expect(auth.logins.map((l) => l.password)).toEqual(['token-1']);

    await restart();

    expect(auth.logins.map((l) => [l.username, l.password, l.accepted]).at(-1)).toEqual(['service', `token-${credentials.calls()}`, true]);
    expect(new Set(auth.logins.map((l) => l.password)).size).toBe(auth.logins.length); // never the same one twice
    expect(log.lines.filter((l) => l.msg === LINES.connected)).toEqual([expect.objectContaining({ url: broker.url, clientId: 'lifecycle-test' })]);
    expect(log.lines.filter((l) => l.msg === LINES.lost)).toEqual([expect.objectContaining({ level: 40, url: broker.url })]);
    expect(log.lines.filter((l) => l.msg === LINES.reconnected)).toEqual([expect.objectContaining({ url: broker.url, attempts: expect.any(Number) })]);
    expect(log.lines.find((l) => l.msg === LINES.connected)).not.toHaveProperty('sessionPresent');
  });

  it("when it connects and reconnects over TCP, then Nagle's algorithm is off on each new socket", async () => {
    const noDelay = jest.spyOn(Socket.prototype, 'setNoDelay');
    try {
      broker = await startAedes({ authenticate: auth.authenticate });
      connection = await open({ url: broker.url });
      const sockets = () => noDelay.mock.contexts.filter((socket, i) => socket.remotePort === broker!.port && noDelay.mock.calls[i]![0] === true);
      expect(sockets()).toHaveLength(1);
      await restart();
      expect(sockets()).toHaveLength(2);
      expect(sockets()[1]).not.toBe(sockets()[0]);
    } finally {
      noDelay.mockRestore();
    }
  });

  it('when the session is persistent, then the lines say whether the broker kept it, and onConnect runs on every CONNACK', async () => {
    auth = recordingAuthenticator(async () => true);
    broker = await startAedes({ authenticate: auth.authenticate });
    const seen: boolean[] = [];
    connection = await open({ url: broker.url, clean: false, onConnect: ({ reconnect }) => (seen.push(reconnect), { extra: reconnect ? 'again' : 'first' }) });
    await restart();
    expect(seen).toEqual([false, true]);
    expect(log.lines.find((l) => l.msg === LINES.connected)).toMatchObject({ sessionPresent: false, extra: 'first' });
    // The restarted in-memory broker lost the session.
    expect(log.lines.find((l) => l.msg === LINES.reconnected)).toMatchObject({ sessionPresent: false, extra: 'again' });
  });

  it('when a publish waits for the connection, then it goes once the broker is back, and gives up after its time', async () => {
    auth = recordingAuthenticator(async () => true);
    broker = await startAedes({ authenticate: auth.authenticate });
    connection = await open({ url: broker.url });
    await expect(connection.whenConnected(10)).resolves.toBeUndefined();
    const port = broker.port;
    await broker.close();
    await waitFor(() => !connection!.isConnected(), 'the client to notice the broker is gone');
    await expect(connection.whenConnected(50)).rejects.toThrow(/waiting for the MQTT broker timed out after 50 ms/);
    const waiting = connection.whenConnected(5_000);
    broker = await startAedes({ port });
    await expect(waiting).resolves.toBeUndefined();
  });

  it('when no broker listens, then start-up fails with one line naming MQTT_URL', async () => {
    const url = `mqtt://127.0.0.1:${await freePort()}`;
    const starting = open({ url });
    await expect(starting).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(starting).rejects.toThrow(
      `MQTT broker is not reachable at ${url}: start it (\`node broker/dist/main.js\`) or point MQTT_URL at a running broker`,
    );
  });

  it('when the broker refuses the first CONNECT, then start-up fails naming who was refused and what to check, and it does not retry', async () => {
    auth = recordingAuthenticator(async () => false);
    broker = await startAedes({ authenticate: auth.authenticate });
    const starting = open({
      url: broker.url,
      credentials: { next: async () => ({ username: 'service', password: 'stale' }), settings: "JWT_SECRET (it must be the broker's)" },
    });
    await expect(starting).rejects.toThrow(
      `MQTT broker at ${broker.url} refused the test service (Connection refused: Not authorized): check JWT_SECRET (it must be the broker's)`,
    );
    expect(auth.logins).toHaveLength(1);
  });

  it('when the start-up step after the CONNACK fails, then start-up fails and the client is closed', async () => {
    broker = await startAedes();
    const seenBy = await connectAsync(broker.url, { reconnectPeriod: 0 });
    try {
      await expect(open({ url: broker.url, afterFirstConnect: async () => Promise.reject(new Error('SUBACK 128')) })).rejects.toBeInstanceOf(
        DependencyUnavailableError,
      );
    } finally {
      await seenBy.endAsync();
    }
  });
});
