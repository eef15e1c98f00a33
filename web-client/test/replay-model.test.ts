import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { DeliveryTrack, OrderSnapshot } from '@orderpulse/contracts';
import { buildReplayScript, frameAt, MAX_QUIET_MS, mergeHopRows, ReplayClock } from '../src/apps/admin/replay-model.js';

const t = (seconds: number) => new Date(Date.UTC(2026, 10, 26, 10, 0, seconds)).toISOString();

const order: Pick<OrderSnapshot, 'history'> = {
  history: [
    { status: 'pending', at: t(0) },
    { status: 'shipped', at: t(10) },
    { status: 'out_for_delivery', at: t(20) },
    { status: 'delivered', at: t(50) },
  ],
};
const track: DeliveryTrack = {
  deliveryId: randomUUID(),
  orderId: randomUUID(),
  status: 'delivered',
  rider: { id: 'rider-rosa', name: 'Rosa Parks' },
  history: [
    { status: 'awaiting_assignment', at: t(10) },
    { status: 'picked_up', at: t(20) },
    { status: 'delivered', at: t(50) },
  ],
  destination: { lat: 51.45, lng: -2.6 },
  points: [
    { lat: 51.46, lng: -2.58, at: t(20) },
    { lat: 51.455, lng: -2.59, at: t(30) },
    { lat: 51.451, lng: -2.599, at: t(40) },
  ],
  kept: { maxPerDelivery: 2000, retentionDays: 30 },
};

describe('replay script', () => {
  it("when hop rows are kept by both services, then each status step gets its change's four times, and a step without a row none", () => {
    const fromOrders = [
      { kind: 'status' as const, version: 1, type: 'order.created', status: 'pending', writtenAt: t(0), confirmedAt: '2026-11-26T10:00:00.012Z' },
      { kind: 'status' as const, version: 4, type: 'order.status_changed', status: 'delivered', writtenAt: t(50), confirmedAt: '2026-11-26T10:00:50.020Z' },
    ];
    const fromDelivery = [
      { kind: 'status' as const, version: 1, type: 'order.created', status: 'pending', writtenAt: t(0), brokerAt: '2026-11-26T10:00:00.009Z', watching: false },
      {
        kind: 'tracking' as const,
        version: 3,
        type: 'delivery.status_changed',
        status: 'picked_up',
        writtenAt: t(20),
        confirmedAt: '2026-11-26T10:00:20.015Z',
      },
      { kind: 'tracking' as const, version: 3, brokerAt: '2026-11-26T10:00:20.010Z', deviceAt: '2026-11-26T10:00:20.030Z', watching: true },
      { kind: 'tracking' as const, version: 4, type: 'delivery.location_updated' },
    ];
    const rows = mergeHopRows(fromOrders, fromDelivery);
    expect(rows).toHaveLength(4);
    const script = buildReplayScript(order, track, rows);
    const hops = Object.fromEntries(script.steps.map((s) => [`${s.kind}:${s.status}`, s.hops]));
    const ms = (iso: string) => Date.parse(iso);
    expect(hops['order:pending']).toEqual({
      writtenAt: ms(t(0)),
      confirmedAt: ms('2026-11-26T10:00:00.012Z'),
      brokerAt: ms('2026-11-26T10:00:00.009Z'),
      watching: false,
    });
    expect(hops['delivery:picked_up']).toEqual({
      writtenAt: ms(t(20)),
      confirmedAt: ms('2026-11-26T10:00:20.015Z'),
      brokerAt: ms('2026-11-26T10:00:20.010Z'),
      deviceAt: ms('2026-11-26T10:00:20.030Z'),
      watching: true,
    });
    expect(hops['order:delivered']).toEqual({ writtenAt: ms(t(50)), confirmedAt: ms('2026-11-26T10:00:50.020Z') });
    // Not kept (or no status change): no times, and the delivery's "delivered" does not take the order's.
    expect(hops['order:shipped']).toBeUndefined();
    expect(hops['delivery:delivered']).toBeUndefined();
  });

  it('when built, then order and delivery statuses and positions are one time line (order, then delivery, then position at the same instant)', () => {
    const script = buildReplayScript(order, track);
    expect(script.steps.map((s) => `${s.kind}:${s.status}@${s.offsetMs}`)).toEqual([
      'order:pending@0',
      'order:shipped@10000',
      'delivery:awaiting_assignment@10000',
      'order:out_for_delivery@20000',
      'delivery:picked_up@20000',
      'order:delivered@50000',
      'delivery:delivered@50000',
    ]);
    expect(script.points.map((p) => p.offsetMs)).toEqual([20000, 30000, 40000]);
    expect(script.durationMs).toBe(50000);
  });

  it('when a quiet stretch is longer than the limit, then it is shortened and the step says how much was skipped', () => {
    const script = buildReplayScript(
      {
        history: [
          { status: 'pending', at: t(0) },
          { status: 'cancelled', at: t(3600) },
        ],
      },
      null,
    );
    expect(script.steps[1]).toMatchObject({ offsetMs: MAX_QUIET_MS, skippedMs: 3_600_000 - MAX_QUIET_MS });
    expect(script.points).toEqual([]);
  });

  it('when a frame is asked for, then it counts what was reached and puts the rider on the last position reached', () => {
    const script = buildReplayScript(order, track);
    expect(frameAt(script, 0)).toMatchObject({ stepsReached: 1, pointsReached: 0, rider: undefined });
    expect(frameAt(script, 35_000)).toMatchObject({ stepsReached: 5, pointsReached: 2, rider: { lat: 51.455 } });
    expect(frameAt(script, 999_999)).toMatchObject({ offsetMs: 50_000, stepsReached: 7, pointsReached: 3 });
  });
});

describe('replay clock', () => {
  it('when playing at 10× then at 60×, then story time runs at that rate, keeps its place on pause and stops at the end', () => {
    let now = 1_000;
    const clock = new ReplayClock(() => now, 120_000);
    clock.setSpeed(10);
    clock.play();
    now += 1_000;
    expect(clock.offset()).toBe(10_000);
    clock.setSpeed(60);
    now += 1_000;
    expect(clock.offset()).toBe(70_000);
    clock.pause();
    now += 5_000;
    expect(clock.offset()).toBe(70_000);
    clock.play();
    now += 10_000;
    expect(clock.offset()).toBe(120_000);
    expect(clock.playing).toBe(false);
    clock.restart();
    expect(clock.offset()).toBe(0);
  });
});

describe('replay clock at the end', () => {
  it('when played again after it ended, then it starts over', () => {
    let now = 0;
    const clock = new ReplayClock(() => now, 1_000);
    clock.setSpeed(1);
    clock.play();
    now += 2_000;
    expect(clock.playing).toBe(false);
    clock.play();
    now += 500;
    expect(clock.offset()).toBe(500);
    expect(clock.playing).toBe(true);
  });

  it('when the clock passes the end while it is read, then the position says "at the end" only with the offset of the end, so the last frame is drawn', () => {
    // Each reading of the clock moves it on, as a busy page's performance.now() does between two calls.
    let now = 0;
    const clock = new ReplayClock(() => (now += 300), 1_000);
    clock.setSpeed(1);
    clock.play();
    const positions = [clock.position(), clock.position(), clock.position(), clock.position()];
    expect(positions.map((p) => p.offsetMs)).toEqual([300, 600, 900, 1_000]);
    expect(positions.map((p) => p.atEnd)).toEqual([false, false, false, true]);
  });
});
