import { Socket } from 'node:net';
import { afterEach, describe, it, expect } from '@jest/globals';
import { connectAsync } from 'mqtt';
import { createMetricsRegistry } from '@orderpulse/service-kit';
import { waitFor } from '@orderpulse/service-kit/testing';
import { inMemoryPublishedLedger } from '../src/ledger/in-memory-ledger.js';
import type { OrderProgress } from '../src/messages/order-event.js';
import { createNotifierMetrics } from '../src/metrics.js';
import { connectMqttPublisher, type MqttPublisher } from '../src/mqtt/mqtt-publisher.js';
import { createOrderEventNotifier } from '../src/notify/notify-order-event.js';
import { createSerialByKey } from '../src/routing/serial-by-key.js';
import { startAedes, type InProcessBroker } from './helpers/aedes-broker.js';
import { captureLogger } from './helpers/capture-logger.js';
import { anOrderHistory } from './helpers/events.js';

type SocketInternals = Record<'_write' | '_writev', (this: Socket, ...args: unknown[]) => unknown>;

/** Counts the system-call writes (Socket#_write, #_writev) made on sockets connected to `port`, until `stop`. */
function countWritesTo(port: number): { writes: () => number; stop: () => void } {
  const proto = Socket.prototype as unknown as SocketInternals;
  const { _write: write, _writev: writev } = proto;
  let writes = 0;
  proto._write = function (...args) {
    if (this.remotePort === port) writes += 1;
    return write.apply(this, args);
  };
  proto._writev = function (...args) {
    if (this.remotePort === port) writes += 1;
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

describe("the notifier's MQTT writes against a real Aedes broker", () => {
  let broker: InProcessBroker | undefined;
  let publisher: MqttPublisher | undefined;
  afterEach(async () => {
    await publisher?.close();
    await broker?.close();
    publisher = broker = undefined;
  });

  it('when an order event becomes two MQTT messages, then both leave in one socket write, status first, at QoS 1', async () => {
    broker = await startAedes(0);
    publisher = await connectMqttPublisher({
      url: broker.url,
      clientId: 'notifier-writes',
      credentials: { next: async () => ({ username: 'service', password: 'token' }), settings: 'JWT_SECRET' },
      logger: captureLogger('silent').logger,
      connectTimeoutMs: 2_000,
      publishTimeoutMs: 2_000,
    });
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
      const counter = countWritesTo(broker.port);
      try {
        await notify(created); // resolves after both PUBACKs
        await notify(confirmed);
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
