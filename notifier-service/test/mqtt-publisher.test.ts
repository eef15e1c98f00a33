import { afterEach, describe, it, expect } from '@jest/globals';
import { connectAsync } from 'mqtt';
import { waitFor } from '@orderpulse/service-kit/testing';
import type { MqttCredentialSource } from '@orderpulse/service-kit/mqtt';
import { connectMqttPublisher, type MqttPublisher } from '../src/mqtt/mqtt-publisher.js';
import { startAedes, type InProcessBroker } from './helpers/aedes-broker.js';
import { captureLogger } from './helpers/capture-logger.js';

/** Hands out `token-1`, `token-2`, … one per CONNECT. */
function countingCredentials(): MqttCredentialSource & { calls: () => number } {
  let calls = 0;
  return { next: async () => ({ username: 'service', password: `token-${(calls += 1)}` }), settings: 'JWT_SECRET', calls: () => calls };
}

describe("the notifier's MQTT publisher across a broker restart", () => {
  let broker: InProcessBroker | undefined;
  let publisher: MqttPublisher | undefined;
  afterEach(async () => {
    await publisher?.close();
    await broker?.close();
    publisher = broker = undefined;
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
});
