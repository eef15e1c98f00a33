import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import type { OrderEvent } from '@orderpulse/contracts';
import { topics } from '@orderpulse/contracts';
import { deleteAmqpNamespace, nextEvent, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { startNotifier, type RunningNotifier } from '../src/service.js';
import { startAedes, type InProcessBroker } from './helpers/aedes-broker.js';
import { AmqpEvents } from './helpers/amqp-events.js';
import { captureLogger, type CapturedLogger } from './helpers/capture-logger.js';
import { anOrderHistory } from './helpers/events.js';
import { MqttRecorder } from './helpers/mqtt-recorder.js';
import { testNotifierSettings } from './helpers/notifier-settings.js';

const amqpUrl = process.env.AMQP_URL as string;

describe('when the MQTT broker is down, then the AMQP message is not acked until it is back', () => {
  const namespace = testNamespace('notifier-outage');
  let broker: InProcessBroker;
  let notifier: RunningNotifier;
  let amqp: AmqpEvents;
  let log: CapturedLogger;
  const acked: string[] = [];

  beforeAll(async () => {
    broker = await startAedes();
    log = captureLogger('info');
    notifier = await startNotifier(
      testNotifierSettings({ AMQP_NAMESPACE: namespace, MQTT_URL: broker.url, MQTT_PUBLISH_TIMEOUT_MS: 300, RETRY_DELAY_MS: 50 }),
      log.logger,
    );
    notifier.consumer.on('acked', (event) => acked.push(event.id));
    amqp = await AmqpEvents.connect(amqpUrl, namespace);
  }, 20_000);

  afterAll(async () => {
    await amqp?.close();
    await notifier?.close();
    await broker?.close();
    await deleteAmqpNamespace(amqpUrl, namespace, ['notifier']);
  }, 20_000);

  it('then the event is requeued while the broker is away and delivered, retained, once it returns', async () => {
    const port = broker.port;
    await broker.close();
    await waitFor(() => !notifier.publisher.isConnected(), 'the notifier to notice the broker is gone');
    const readiness = await fetch(`${notifier.url}/readyz`);
    expect(readiness.status).toBe(503);
    expect(await readiness.json()).toMatchObject({ checks: { amqp: true, mqtt: false } });

    const [event] = anOrderHistory(1, 'OP-OUTAGE1');
    const requeued = nextEvent<[OrderEvent, Error]>(notifier.consumer, 'requeued', 10_000, (m) => m.id === event.id);
    await amqp.publish(event);
    const [, error] = await requeued;
    expect(error.message).toMatch(/timed out/);
    expect(acked).not.toContain(event.id);

    broker = await startAedes(port);
    await waitFor(() => acked.includes(event.id), 'the redelivered event to be acked', 20_000);
    expect(log.lines).toContainEqual(expect.objectContaining({ msg: 'reconnected to the MQTT broker' }));

    const customer = await MqttRecorder.subscribe(broker.url, [topics.orderStatus(event.orderId)]);
    try {
      const [status] = await waitFor(() => customer.messages.length > 0 && customer.messages, 'the retained status');
      expect(status).toMatchObject({ retain: true, payload: { orderId: event.orderId, orderNumber: 'OP-OUTAGE1', status: 'pending', version: 1 } });
    } finally {
      await customer.close();
    }
  }, 30_000);
});
