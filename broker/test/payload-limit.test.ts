import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import { waitFor } from '@orderpulse/service-kit/testing';
import { captureLogger, type CapturedLogger } from './helpers/capture-logger.js';
import { connectAs, endAll, type RecordingClient } from './helpers/mqtt-clients.js';
import { startTestBroker, type TestBroker } from './helpers/start-broker.js';

describe('when a client publishes a payload over MAX_PAYLOAD_BYTES', () => {
  const topic = 'orders/too-big/status';
  let broker: TestBroker;
  let log: CapturedLogger;
  let subscriber: RecordingClient;
  let offender: RecordingClient;

  beforeAll(async () => {
    log = captureLogger('info');
    broker = await startTestBroker(log.logger, { MAX_PAYLOAD_BYTES: 100 });
    subscriber = await connectAs(broker.wsUrl, 'admin', { clientId: 'watcher' });
    await subscriber.client.subscribeAsync(topic, { qos: 1 });
    offender = await connectAs(broker.tcpUrl, 'notifier', { clientId: 'offender' });
    const closed = new Promise<void>((resolve) => offender.client.once('close', () => resolve()));
    offender.client.publish(topic, 'x'.repeat(101), { qos: 1 });
    await closed;
  });
  afterAll(async () => {
    await endAll([subscriber, offender]);
    await broker.close();
  });

  it('then the sender is disconnected and the refusal is logged with its client id and topic', () => {
    expect(offender.client.connected).toBe(false);
    expect(log.lines).toContainEqual(
      expect.objectContaining({ level: 40, clientId: 'offender', topic, bytes: 101, maxPayloadBytes: 100, msg: 'publish refused: payload too large' }),
    );
  });

  it('then no subscriber receives it, while a payload at the limit still goes through', async () => {
    const polite = await connectAs(broker.tcpUrl, 'notifier', { clientId: 'polite' });
    try {
      await polite.client.publishAsync(topic, 'y'.repeat(100), { qos: 1 });
      await waitFor(() => subscriber.messages.length > 0, 'the message at the limit');
      expect(subscriber.messages.map((m) => m.payload.length)).toEqual([100]);
    } finally {
      await endAll([polite]);
    }
  });

  it('then /metrics counts the refusal', async () => {
    const metrics = await (await fetch(broker.metricsUrl)).text();
    expect(metrics).toMatch(/^mqtt_refusals_total\{reason="payload_too_large"[^}]*\} 1$/m);
  });
});
