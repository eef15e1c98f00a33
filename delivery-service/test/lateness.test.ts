import { describe, expect, it } from '@jest/globals';
import type { DeliveryEvent } from '@orderpulse/contracts';
import { applyRiderLocation } from '../src/domain/apply-rider-location.js';
import { applyRiderStatusReport } from '../src/domain/apply-rider-status-report.js';
import { markLate, startLatenessSweep } from '../src/domain/lateness.js';
import { punctualityOf } from '../src/domain/punctuality.js';
import { aDelivery } from './support/factories.js';
import { assignedTo, storedDelivery, storedRider } from './support/stored.js';
import { testDeps } from './support/use-case-deps.js';

const NOW = new Date('2026-11-26T12:00:00.000Z');
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000).toISOString();
/** The test address is in Bristol; ~11 km north-east of it, at 20 km/h, is over half an hour away. */
const FAR = { lat: 51.52, lng: -2.48 };
const NEAR = { lat: 51.4496, lng: -2.5967 };

async function pendingEventsOf(deps: ReturnType<typeof testDeps>, id: string): Promise<DeliveryEvent[]> {
  return (await deps.store.deliveries.findById(id))!.pendingEvents;
}

/** Issue 18 point 5: delivery.late once, from an ETA past the window's end or from the periodic sweep. */
describe('lateness', () => {
  it("when a rider's position gives an ETA after the window's end, then the delivery is marked late with one delivery.late carrying the snapshot; later positions add none", async () => {
    const deps = testDeps({ now: NOW });
    const rider = await storedRider(deps.store);
    const delivery = await storedDelivery(deps.store, { ...assignedTo(rider, 'in_transit'), promisedWindow: { start: minutes(-60), end: minutes(15) } });

    await applyRiderLocation(deps, rider.id, { ...FAR, at: NOW.toISOString() });
    deps.setNow(new Date(NOW.getTime() + 10_000));
    await applyRiderLocation(deps, rider.id, { ...FAR, lat: FAR.lat - 0.001, at: new Date(NOW.getTime() + 10_000).toISOString() });

    const events = await pendingEventsOf(deps, delivery.id);
    const late = events.filter((e) => e.type === 'delivery.late');
    expect(late).toHaveLength(1);
    expect(events.map((e) => e.type)).toEqual(['delivery.created', 'delivery.location_updated', 'delivery.late', 'delivery.location_updated']);
    const snapshot = late[0]!.data as { lateSince?: string; eta: { at: string } | null; version: number };
    expect(snapshot.lateSince).toBe(NOW.toISOString());
    expect(Date.parse(snapshot.eta!.at)).toBeGreaterThan(Date.parse(minutes(15)));
    expect(late[0]!.version).toBe(snapshot.version);
  });

  it('when the ETA stays inside the window, then nothing is marked late', async () => {
    const deps = testDeps({ now: NOW });
    const rider = await storedRider(deps.store);
    const delivery = await storedDelivery(deps.store, { ...assignedTo(rider, 'in_transit'), promisedWindow: { start: minutes(-60), end: minutes(15) } });
    await applyRiderLocation(deps, rider.id, { ...NEAR, at: NOW.toISOString() });
    expect((await pendingEventsOf(deps, delivery.id)).map((e) => e.type)).not.toContain('delivery.late');
    expect((await deps.store.deliveries.findById(delivery.id))!.delivery.lateSince).toBeUndefined();
  });

  it('when the window ends with no new event, then the sweep marks the delivery late once; delivered and window-less ones are left alone', async () => {
    const deps = testDeps({ now: NOW });
    const rider = await storedRider(deps.store);
    const window = { start: minutes(-60), end: minutes(5) };
    const waiting = await storedDelivery(deps.store, { promisedWindow: window });
    const carried = await storedDelivery(deps.store, { ...assignedTo(rider, 'picked_up'), promisedWindow: window });
    const delivered = await storedDelivery(deps.store, { status: 'delivered', promisedWindow: window });
    const noWindow = await storedDelivery(deps.store, {});
    const sweep = startLatenessSweep(deps, { intervalMs: 3_600_000, batch: 10 });
    try {
      expect(await sweep.runOnce()).toBe(0);
      deps.setNow(new Date(Date.parse(minutes(6))));
      expect(await sweep.runOnce()).toBe(2);
      expect(await sweep.runOnce()).toBe(0);
    } finally {
      await sweep.stop();
    }
    for (const { id } of [waiting, carried]) {
      expect((await pendingEventsOf(deps, id)).filter((e) => e.type === 'delivery.late')).toHaveLength(1);
      expect((await deps.store.deliveries.findById(id))!.delivery.lateSince).toBe(minutes(6));
    }
    for (const { id } of [delivered, noWindow]) expect((await pendingEventsOf(deps, id)).map((e) => e.type)).toEqual(['delivery.created']);
  });

  it('when two instances mark the same delivery at once, then one delivery.late is written', async () => {
    const deps = testDeps({ now: new Date(Date.parse(minutes(30))) });
    const delivery = await storedDelivery(deps.store, { promisedWindow: { start: minutes(-60), end: minutes(5) } });
    const results = await Promise.all([markLate(deps, delivery.id), markLate(deps, delivery.id)]);
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    expect((await pendingEventsOf(deps, delivery.id)).filter((e) => e.type === 'delivery.late')).toHaveLength(1);
  });

  it('when a parcel is picked up with a position, then its ETA at pickup is kept and stays as later positions change the ETA', async () => {
    const deps = testDeps({ now: NOW });
    const rider = await storedRider(deps.store);
    const delivery = await storedDelivery(deps.store, { ...assignedTo(rider, 'assigned'), promisedWindow: { start: minutes(-60), end: minutes(120) } });
    await applyRiderStatusReport(deps, { riderId: rider.id, deliveryId: delivery.id, report: { status: 'picked_up', at: NOW.toISOString(), ...FAR } });
    const atPickup = (await deps.store.deliveries.findById(delivery.id))!.delivery.etaAtPickup;
    expect(atPickup).toBeDefined();
    deps.setNow(new Date(NOW.getTime() + 60_000));
    await applyRiderLocation(deps, rider.id, { ...NEAR, at: new Date(NOW.getTime() + 60_000).toISOString() });
    const after = (await deps.store.deliveries.findById(delivery.id))!.delivery;
    expect(after.etaAtPickup).toEqual(atPickup);
    expect(after.eta?.at).not.toBe(atPickup!.at);
  });
});

describe('punctuality', () => {
  const handedOver = (arrival: string, windowEnd: string | undefined, etaAtPickup: string | undefined) =>
    aDelivery({
      status: 'delivered',
      history: [
        { status: 'awaiting_assignment', at: minutes(-120) },
        { status: 'delivered', at: arrival },
      ],
      ...(windowEnd ? { promisedWindow: { start: minutes(-120), end: windowEnd } } : {}),
      ...(etaAtPickup ? { etaAtPickup: { at: etaAtPickup, minutes: 10, distanceKm: 3, basedOnPositionAt: minutes(-30) } } : {}),
    });

  it('when deliveries arrived before, after and without a window, then the on-time rate counts those with one, and the ETA error is arrival minus the ETA at pickup', () => {
    const report = punctualityOf(
      [
        handedOver(minutes(0), minutes(10), minutes(-2)), // on time, 2 min after its ETA
        handedOver(minutes(30), minutes(10), minutes(20)), // late, 10 min after its ETA
        handedOver(minutes(5), minutes(10), minutes(9)), // on time, 4 min before its ETA
        handedOver(minutes(5), undefined, undefined), // no window, no ETA
      ],
      new Date(minutes(-60)),
      new Date(minutes(60)),
      false,
    );
    expect(report).toMatchObject({ delivered: 4, withWindow: 3, onTime: 2, late: 1, onTimeRate: 0.667, truncated: false });
    expect(report.etaAccuracy).toEqual({ measured: 3, meanAbsoluteErrorMinutes: 5.3, meanSignedErrorMinutes: 2.7, withinFiveMinutesRate: 0.667 });
  });

  it('when nothing was delivered, then the rates are null, not zero', () => {
    const report = punctualityOf([], new Date(minutes(-60)), new Date(minutes(60)), false);
    expect(report.onTimeRate).toBeNull();
    expect(report.etaAccuracy.meanAbsoluteErrorMinutes).toBeNull();
  });
});
