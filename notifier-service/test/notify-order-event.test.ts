import { describe, it, expect } from '@jest/globals';
import { createMetricsRegistry } from '@orderpulse/service-kit';
import { inMemoryPublishedLedger } from '../src/ledger/in-memory-ledger.js';
import type { OrderProgress } from '../src/messages/order-event.js';
import type { MqttMessage } from '../src/messages/mqtt-message.js';
import { createNotifierMetrics } from '../src/metrics.js';
import { createOrderEventNotifier } from '../src/notify/notify-order-event.js';
import { createSerialByKey } from '../src/routing/serial-by-key.js';
import { captureLogger } from './helpers/capture-logger.js';
import { anOrderHistory } from './helpers/events.js';
import { fakePublisher, tick } from './helpers/fake-publisher.js';

function orderFakePublisher() {
  const fake = fakePublisher();
  const versionsOf = (list: Array<{ message: MqttMessage }> | MqttMessage[]) =>
    list
      .map((m) => ('message' in m ? m.message : m))
      .filter((m) => m.kind === 'order-status')
      .map((m) => JSON.parse(m.payload).version as number);
  return { ...fake, versionsOf };
}

function setup() {
  const fake = orderFakePublisher();
  const metrics = createNotifierMetrics(createMetricsRegistry('test'));
  const log = captureLogger();
  const notify = createOrderEventNotifier({
    publisher: fake.publisher,
    published: inMemoryPublishedLedger<OrderProgress>(100),
    serial: createSerialByKey(),
    logger: log.logger,
    metrics,
    maxPayloadBytes: 16_384,
  });
  return { notify, metrics, log, ...fake };
}

describe('createOrderEventNotifier', () => {
  it('when two events of one order arrive together, then the second is published only after both PUBACKs of the first', async () => {
    const { notify, pending, versionsOf } = setup();
    const [v1, v2] = anOrderHistory(2);
    const first = notify(v1);
    const second = notify(v2!);
    await tick();
    expect(versionsOf(pending)).toEqual([1]);
    expect(pending).toHaveLength(2); // status + admin feed of v1, nothing of v2 yet
    pending.splice(0).forEach((p) => p.ack());
    await first;
    await tick();
    expect(versionsOf(pending)).toEqual([2]);
    pending.splice(0).forEach((p) => p.ack());
    await second;
  });

  it('when one PUBACK is missing, then the handler has not resolved (so the AMQP message is not acked yet)', async () => {
    const { notify, pending } = setup();
    let resolved = false;
    const done = notify(anOrderHistory(1)[0]).then(() => (resolved = true));
    await tick();
    pending[0]!.ack();
    await tick();
    expect(resolved).toBe(false);
    pending[1]!.ack();
    await done;
    expect(resolved).toBe(true);
  });

  it('when an event was already published, or is older than what was, then it resolves without publishing and counts it', async () => {
    const { notify, pending, acked, metrics, log } = setup();
    const [v1, v2] = anOrderHistory(2);
    const publishing = Promise.all([notify(v1), notify(v2!)]);
    for (let round = 0; round < 2; round += 1) {
      await tick();
      pending.splice(0).forEach((p) => p.ack());
    }
    await publishing;
    await notify(v2!); // same event id
    await notify({ ...v1, id: '6f1c2d36-4c2f-4a53-9d0e-1b2c3d4e5f60' }); // new id, old version
    expect(acked).toHaveLength(4);
    expect(pending).toHaveLength(0);
    expect((await metrics.deduped.get()).values.map((v) => [v.labels.reason, v.value])).toEqual([
      ['duplicate', 1],
      ['stale', 1],
    ]);
    expect(log.lines).toContainEqual(expect.objectContaining({ level: 20, eventId: v2!.id, orderId: v2!.orderId, reason: 'duplicate' }));
  });

  it('when a publish fails, then the handler rejects and the redelivered event is published again', async () => {
    const { notify, pending, versionsOf, acked } = setup();
    const [v1] = anOrderHistory(1);
    const failed = notify(v1);
    await tick();
    pending[0]!.fail(new Error('PUBACK timed out'));
    pending[1]!.ack();
    await expect(failed).rejects.toThrow('PUBACK timed out');
    pending.splice(0);

    const retried = notify(v1);
    await tick();
    pending.splice(0).forEach((p) => p.ack());
    await retried;
    expect(versionsOf(acked)).toEqual([1]);
  });
});
