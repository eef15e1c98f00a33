import { Socket } from 'node:net';
import { afterEach, describe, it, expect } from '@jest/globals';
import { connectAsync } from 'mqtt';
import { createMetricsRegistry } from '@orderpulse/service-kit';
import { waitFor } from '@orderpulse/service-kit/testing';
import type { MqttCredentialSource } from '@orderpulse/service-kit/mqtt';
import { inMemoryPublishedLedger } from '../src/ledger/in-memory-ledger.js';
import type { OrderProgress } from '../src/messages/order-event.js';
import { createNotifierMetrics } from '../src/metrics.js';
import { connectMqttPublisher, type MqttPublisher } from '../src/mqtt/mqtt-publisher.js';
import { createOrderEventNotifier } from '../src/notify/notify-order-event.js';
import { createSerialByKey } from '../src/routing/serial-by-key.js';
import { startAedes, type InProcessBroker } from './helpers/aedes-broker.js';
import { captureLogger } from './helpers/capture-logger.js';
import { anOrderHistory } from './helpers/events.js';

/** Hands out `token-1`, `token-2`, … one per CONNECT. */
function countingCredentials(): MqttCredentialSource & { calls: () => number } {
  let calls = 0;
  return { next: async () => ({ username: 'service', password: `token-${(calls += 1)}` }), settings: 'JWT_SECRET', calls: () => calls };
}

type SocketInternals = Record<'_write' | '_writev', (this: Socket, ...args: unknown[]) => unknown>;

/** Counts the system-call writes (Socket#_write, #_writev) made on sockets connected to `port`, except `others`, until `stop`. */
function countWritesTo(port: number, others: unknown[]): { writes: () => number; stop: () => void } {
  const proto = Socket.prototype as unknown as SocketInternals;
  const { _write: write, _writev: writev } = proto;
  let writes = 0;
  proto._write = function (...args) {
    if (this.remotePort === port && !others.includes(this)) writes += 1;
    return write.apply(this, args);
  };
  proto._writev = function (...args) {
    if (this.remotePort === port && !others.includes(this)) writes += 1;
    return writev.apply(this, args);
  };
  return {
    writes: () => writes,
    stop: () => {
      proto._write = write;
      proto._writev = writev;
    },
  };
}

describe("the notifier's MQTT publisher against a real Aedes broker", () => {
  let broker: InProcessBroker | undefined;
  let publisher: MqttPublisher | undefined;
  afterEach(async () => {
    await publisher?.close();
    await broker?.close();
    publisher = broker = undefined;
  });

  async function start(clientId: string): Promise<{ broker: InProcessBroker; publisher: MqttPublisher }> {
    broker = await startAedes(0);
    publisher = await connectMqttPublisher({
      url: broker.url,
      clientId,
      credentials: countingCredentials(),
      logger: captureLogger('silent').logger,
      connectTimeoutMs: 2_000,
      publishTimeoutMs: 2_000,
      reconnectBackoff: { initialMs: 20, maxMs: 100 },
    });
    return { broker, publisher };
  }

  it('when the broker comes back without its retained messages, then the last one of each topic is published again', async () => {
    ({ broker, publisher } = await start('notifier-retained'));
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

  it('when an order event becomes two MQTT messages, then both leave in one socket write, status first, at QoS 1', async () => {
    const { broker, publisher } = await start('notifier-writes');
    const reader = await connectAsync(broker.url, { reconnectPeriod: 0 });
    const received: Array<{ topic: string; qos: number }> = [];
    reader.on('message', (topic, _payload, packet) => received.push({ topic, qos: packet.qos }));
    await reader.subscribeAsync(['orders/#', 'admin/#'], { qos: 1 });
    const notify = createOrderEventNotifier({
      publisher,
      published: inMemoryPublishedLedger<OrderProgress>(100),
      serial: createSerialByKey(),
      logger: captureLogger('silent').logger,
      metrics: createNotifierMetrics(createMetricsRegistry('test')),
      maxPayloadBytes: 16_384,
    });
    const [created, confirmed] = anOrderHistory(2);

    try {
      const counter = countWritesTo(broker.port, [reader.stream]); // the reader's PUBACKs are not the notifier's
      try {
        await notify(created); // resolves after both PUBACKs
        await notify(confirmed!);
      } finally {
        counter.stop();
      }
      expect(counter.writes()).toBe(2);
      await waitFor(() => received.length === 4, 'the four messages at the reader');
      expect(received).toEqual([
        { topic: `orders/${created.orderId}/status`, qos: 1 },
        { topic: expect.stringMatching(/^admin\//), qos: 1 },
        { topic: `orders/${created.orderId}/status`, qos: 1 },
        { topic: expect.stringMatching(/^admin\//), qos: 1 },
      ]);
    } finally {
      await reader.endAsync();
    }
  });
});
