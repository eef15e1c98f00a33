import { describe, it, expect } from '@jest/globals';
import type { RiderAssignmentsMessage } from '@orderpulse/contracts';
import { RiderSignals } from '../src/freshness/rider-signals.js';
import { DeliveryTimeline } from './helpers/delivery-events.js';

const RIDER = 'rider-ann';
const T0 = Date.parse('2026-11-26T11:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function assignmentsOf(...entries: Array<[DeliveryTimeline, 'assigned' | 'picked_up' | 'in_transit']>): RiderAssignmentsMessage {
  return { riderId: RIDER, deliveries: entries.map(([t, status]) => t.assignment(status)), updatedAt: iso(T0) };
}
const view = (messages: Array<{ topic: string; payload: string; retain: boolean }>) =>
  messages.map((m) => ({ topic: m.topic, retain: m.retain, signal: m.payload === '' ? 'cleared' : JSON.parse(m.payload) }));

describe('RiderSignals', () => {
  it('when the rider picks up an order, then its customers get the signal; heartbeats are relayed at most every minIntervalMs; a lost connection at once; the end of the ride clears it', () => {
    const signals = new RiderSignals({ minIntervalMs: 5_000, capacity: 100 });
    const waiting = new DeliveryTimeline();
    const carried = new DeliveryTimeline();
    expect(signals.presence({ riderId: RIDER, online: true, at: iso(T0) })).toEqual([]); // on the way to nobody yet
    expect(signals.assignments(assignmentsOf([waiting, 'assigned']))).toEqual([]);
    const topic = `orders/${carried.orderId}/signal`;
    expect(view(signals.assignments(assignmentsOf([waiting, 'assigned'], [carried, 'picked_up'])))).toEqual([
      { topic, retain: true, signal: { online: true, lastSeenAt: iso(T0) } },
    ]);

    expect(view(signals.heartbeat(RIDER, T0 + 10_000))).toEqual([{ topic, retain: true, signal: { online: true, lastSeenAt: iso(T0 + 10_000) } }]);
    expect(signals.heartbeat(RIDER, T0 + 12_000)).toEqual([]); // within 5 s of the last one relayed
    expect(view(signals.heartbeat(RIDER, T0 + 16_000))).toEqual([{ topic, retain: true, signal: { online: true, lastSeenAt: iso(T0 + 16_000) } }]);

    expect(view(signals.presence({ riderId: RIDER, online: false, at: iso(T0 + 17_000) }))).toEqual([
      { topic, retain: true, signal: { online: false, lastSeenAt: iso(T0 + 16_000), lostAt: iso(T0 + 17_000) } },
    ]);
    // Back: the first heartbeat goes out at once, whatever the interval.
    expect(view(signals.heartbeat(RIDER, T0 + 18_000))).toEqual([{ topic, retain: true, signal: { online: true, lastSeenAt: iso(T0 + 18_000) } }]);

    expect(view(signals.assignments(assignmentsOf([waiting, 'assigned'])))).toEqual([{ topic, retain: true, signal: 'cleared' }]);
    expect(signals.heartbeat(RIDER, T0 + 30_000)).toEqual([]);
  });

  it("when nothing is known of the rider's connection yet, then nothing is published for a new order (no guess)", () => {
    const signals = new RiderSignals({ minIntervalMs: 5_000, capacity: 100 });
    expect(signals.assignments(assignmentsOf([new DeliveryTimeline(), 'in_transit']))).toEqual([]);
  });
});
