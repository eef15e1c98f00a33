import { describe, it, expect } from '@jest/globals';
import type { RiderAssignmentsMessage } from '@orderpulse/contracts';
import { createMetricsRegistry } from '@orderpulse/service-kit';
import { createNotifierMetrics } from '../src/metrics.js';
import { createRiderAssignmentsRefresher } from '../src/notify/refresh-rider-assignments.js';
import { createSerialByKey } from '../src/routing/serial-by-key.js';
import { captureLogger } from './helpers/capture-logger.js';
import { DeliveryTimeline } from './helpers/delivery-events.js';
import { fakePublisher, tick } from './helpers/fake-publisher.js';

/** A delivery-service whose answers the test releases by hand, in any order. */
function heldSource() {
  const calls: Array<{ riderId: string; answer: (list: RiderAssignmentsMessage) => void; fail: (err: Error) => void }> = [];
  const source = {
    fetch: (riderId: string) =>
      new Promise<RiderAssignmentsMessage>((answer, fail) => {
        calls.push({ riderId, answer, fail });
      }),
  };
  return { source, calls };
}

const cause = {
  eventId: '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6',
  orderId: '0e1f2a3b-4c5d-4e6f-8a7b-8c9d0e1f2a3b',
  deliveryId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
};
const listOf = (riderId: string, statuses: Array<'assigned' | 'picked_up'>): RiderAssignmentsMessage => ({
  riderId,
  deliveries: statuses.map((s) => new DeliveryTimeline().assignment(s)),
  updatedAt: '2026-11-26T11:00:00.000Z',
});

function setup() {
  const fake = fakePublisher();
  const held = heldSource();
  const log = captureLogger('warn');
  const refresh = createRiderAssignmentsRefresher({
    source: held.source,
    publisher: fake.publisher,
    serial: createSerialByKey(),
    logger: log.logger,
    metrics: createNotifierMetrics(createMetricsRegistry('test')),
  });
  return { refresh, log, ...held, ...fake };
}

describe('createRiderAssignmentsRefresher', () => {
  it('when two refreshes of one rider overlap, then the second fetch starts only after the first list was acknowledged, so the newer list is published last', async () => {
    const { refresh, calls, pending, acked } = setup();
    const first = refresh('rider-ann', cause);
    const second = refresh('rider-ann', cause);
    await tick();
    expect(calls).toHaveLength(1);
    calls[0]!.answer(listOf('rider-ann', ['assigned']));
    await tick();
    expect(calls).toHaveLength(1); // still waiting for the first PUBACK
    pending.splice(0).forEach((p) => p.ack());
    await first;
    await tick();
    expect(calls).toHaveLength(2);
    calls[1]!.answer(listOf('rider-ann', ['picked_up']));
    await tick();
    pending.splice(0).forEach((p) => p.ack());
    await second;
    expect(acked.map((m) => JSON.parse(m.payload).deliveries.map((d: { status: string }) => d.status))).toEqual([['assigned'], ['picked_up']]);
  });

  it('when two riders refresh, then neither waits for the other', async () => {
    const { refresh, calls } = setup();
    void refresh('rider-ann', cause);
    void refresh('rider-bob', cause);
    await tick();
    expect(calls.map((c) => c.riderId)).toEqual(['rider-ann', 'rider-bob']);
  });

  it('when the fetch fails, then the refresh rejects, nothing is published, and the rider and event are logged', async () => {
    const { refresh, calls, pending, log } = setup();
    const refreshing = refresh('rider-ann', cause);
    await tick();
    calls[0]!.fail(new Error('delivery-service did not answer'));
    await expect(refreshing).rejects.toThrow('did not answer');
    expect(pending).toHaveLength(0);
    expect(log.lines).toContainEqual(expect.objectContaining({ level: 40, riderId: 'rider-ann', ...cause, err: 'delivery-service did not answer' }));
  });
});
