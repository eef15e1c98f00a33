import { afterEach, describe, it, expect } from '@jest/globals';
import { connectAsync } from 'mqtt';
import { waitFor } from '@orderpulse/service-kit/testing';
import type { MqttCredentialSource } from '../src/mqtt-credentials.js';
import { connectMqttPublisher, type MqttPublisher } from '../src/mqtt-publisher.js';
import { startAedes, type InProcessBroker } from './helpers/aedes-broker.js';
import { captureLogger } from './helpers/capture-logger.js';
import { recordingAuthenticator } from './helpers/recording-authenticator.js';

/** Hands out `token-1`, `token-2`, … one per CONNECT. */
function countingCredentials(): MqttCredentialSource & { calls: () => number } {
  let calls = 0;
  return { next: async () => ({ username: 'service', password: `token-${(calls += 1)}` }), settings: 'JWT_SECRET', calls: () => calls };
}

describe('connectMqttPublisher credentials', () => {
  let broker: InProcessBroker | undefined;
  let publisher: MqttPublisher | undefined;
  afterEach(async () => {
    await publisher?.close();
    await broker?.close();
    publisher = broker = undefined;
  });

  it('when the connection drops, then the reconnect presents newly obtained credentials', async () => {
    const auth = recordingAuthenticator(async (username, password) => username === 'service' && /^token-\d+$/.test(password ?? ''));
    broker = await startAedes(0, { authenticate: auth.authenticate });
    const credentials = countingCredentials();
    publisher = await connectMqttPublisher({
      url: broker.url,
      clientId: 'notifier-creds',
      credentials,
      logger: captureLogger('silent').logger,
      connectTimeoutMs: 2_000,
      publishTimeoutMs: 2_000,
      reconnectBackoff: { initialMs: 20, maxMs: 100 },
    });
    expect(auth.logins.map((l) => l.password)).toEqual(['token-1']);

    const port = broker.port;
    await broker.close();
    await waitFor(() => !publisher!.isConnected(), 'the publisher to notice the broker is gone');
    broker = await startAedes(port, { authenticate: auth.authenticate });
    await waitFor(() => publisher!.isConnected(), 'the publisher to reconnect');

    expect(auth.logins.map((l) => [l.username, l.password, l.accepted]).at(-1)).toEqual(['service', `token-${credentials.calls()}`, true]);
    expect(credentials.calls()).toBeGreaterThanOrEqual(2);
    expect(new Set(auth.logins.map((l) => l.password)).size).toBe(auth.logins.length); // never the same one twice
    await expect(publisher.publish({ kind: 'admin-feed', topic: 'admin/orders', payload: '{}', retain: false })).resolves.toBeUndefined();
  });

  it('when the broker comes back without its retained messages, then the last one of each topic is published again', async () => {
    broker = await startAedes(0);
    publisher = await connectMqttPublisher({
      url: broker.url,
      clientId: 'notifier-retained',
      credentials: countingCredentials(),
      logger: captureLogger('silent').logger,
      connectTimeoutMs: 2_000,
      publishTimeoutMs: 2_000,
      reconnectBackoff: { initialMs: 20, maxMs: 100 },
    });
    const status = (version: number) => ({ kind: 'order-status' as const, topic: 'orders/o1/status', payload: JSON.stringify({ version }), retain: true });
    await publisher.publish(status(1));
    await publisher.publish(status(2));
    await publisher.publish({ kind: 'admin-feed', topic: 'admin/orders', payload: '{"live":true}', retain: false });

    const port = broker.port;
    await broker.close();
    await waitFor(() => !publisher!.isConnected(), 'the publisher to notice the broker is gone');
    broker = await startAedes(port);
    await waitFor(() => publisher!.isConnected(), 'the publisher to reconnect');

    const reader = await connectAsync(broker.url, { reconnectPeriod: 0 });
    try {
      const received: Array<{ topic: string; payload: string; retain: boolean }> = [];
      reader.on('message', (topic, payload, packet) => received.push({ topic, payload: payload.toString(), retain: packet.retain }));
      await reader.subscribeAsync(['orders/#', 'admin/#'], { qos: 1 });
      await waitFor(() => received.length >= 1, 'the retained status on the restarted broker');
      expect(received).toEqual([{ topic: 'orders/o1/status', payload: '{"version":2}', retain: true }]);
    } finally {
      await reader.endAsync();
    }
  });

  it('when the broker refuses the first CONNECT, then start-up fails naming the settings to check', async () => {
    broker = await startAedes(0, { authenticate: recordingAuthenticator(async () => false).authenticate });
    const starting = connectMqttPublisher({
      url: broker.url,
      clientId: 'notifier-refused',
      credentials: { next: async () => ({ username: 'service', password: 'stale' }), settings: "JWT_SECRET (it must be the broker's)" },
      logger: captureLogger('silent').logger,
      connectTimeoutMs: 2_000,
      publishTimeoutMs: 2_000,
    });
    await expect(starting).rejects.toThrow(`MQTT broker at ${broker.url} refused the connection (Connection refused: Not authorized): check JWT_SECRET (it must be the broker's)`);
  });
});
