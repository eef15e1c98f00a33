import { describe, expect, it } from '@jest/globals';
import type { DeliveryEvent } from '@orderpulse/contracts';
import { applyRiderStatusReport } from '../src/domain/apply-rider-status-report.js';
import { assignRider } from '../src/domain/assign-rider.js';
import { riderAssignments } from '../src/domain/riders.js';
import { riderStops, setRiderStops, StopsMismatchError } from '../src/domain/rider-stops.js';
import { storedDelivery, storedRider } from './support/stored.js';
import { testDeps } from './support/use-case-deps.js';

const NOW = new Date('2026-11-26T12:00:00.000Z');

/** Issue 18 point 6: each carried delivery knows how many of the rider's stops come before it. */
describe("a rider's stops", () => {
  async function riderWithThree() {
    const deps = testDeps({ now: NOW });
    const rider = await storedRider(deps.store);
    const [a, b, c] = [await storedDelivery(deps.store), await storedDelivery(deps.store), await storedDelivery(deps.store)];
    for (const [i, d] of [a, b, c].entries()) {
      deps.setNow(new Date(NOW.getTime() + i * 1000));
      await assignRider(deps, { deliveryId: d!.id, riderId: rider.id });
    }
    const stopsOf = async () => Promise.all([a, b, c].map(async (d) => (await deps.store.deliveries.findById(d!.id))!.delivery.stopsBefore));
    const eventsOf = async (id: string): Promise<DeliveryEvent[]> => (await deps.store.deliveries.findById(id))!.pendingEvents;
    return { deps, rider, a: a!, b: b!, c: c!, stopsOf, eventsOf };
  }

  it('when deliveries are given one after another, then each goes last, in the same write as its assignment (no extra event)', async () => {
    const { a, c, stopsOf, eventsOf } = await riderWithThree();
    expect(await stopsOf()).toEqual([0, 1, 2]);
    expect((await eventsOf(a.id)).map((e) => e.type)).toEqual(['delivery.created', 'delivery.assigned']);
    expect((await eventsOf(c.id)).map((e) => (e.data as { stopsBefore?: number }).stopsBefore)).toEqual([undefined, 2]);
  });

  it("when a stop is delivered, then the rider's later stops move up with delivery.stops_changed; earlier ones are not rewritten", async () => {
    const { deps, rider, a, b, c, stopsOf, eventsOf } = await riderWithThree();
    for (const status of ['picked_up', 'delivered'] as const) {
      await applyRiderStatusReport(deps, { riderId: rider.id, deliveryId: b.id, report: { status, at: NOW.toISOString() } });
    }
    const [stopsA, , stopsC] = await stopsOf();
    expect([stopsA, stopsC]).toEqual([0, 1]);
    expect((await eventsOf(c.id)).at(-1)).toMatchObject({ type: 'delivery.stops_changed', data: { stopsBefore: 1 } });
    expect((await eventsOf(a.id)).map((e) => e.type)).toEqual(['delivery.created', 'delivery.assigned']);
  });

  it('when the dispatcher sets the order, then the stops follow it, the rider app lists them in that order, and a later assignment still goes last', async () => {
    const { deps, rider, a, b, c, stopsOf } = await riderWithThree();
    const set = await setRiderStops(deps, rider.id, [c.id, a.id, b.id]);
    expect(set.map((s) => [s.deliveryId, s.stopsBefore])).toEqual([
      [c.id, 0],
      [a.id, 1],
      [b.id, 2],
    ]);
    expect(await stopsOf()).toEqual([1, 2, 0]);
    expect((await riderAssignments(deps, rider.id)).deliveries.map((d) => d.deliveryId)).toEqual([c.id, a.id, b.id]);

    const d = await storedDelivery(deps.store);
    deps.setNow(new Date(NOW.getTime() + 60_000));
    await assignRider(deps, { deliveryId: d.id, riderId: rider.id });
    expect((await riderStops(deps, rider.id)).map((s) => s.deliveryId)).toEqual([c.id, a.id, b.id, d.id]);
  });

  it("when the order asked for leaves out a stop, repeats one or names another rider's delivery, then it is refused and nothing changes", async () => {
    const { deps, rider, a, b, c, stopsOf } = await riderWithThree();
    const stranger = await storedDelivery(deps.store);
    for (const ids of [
      [a.id, b.id],
      [a.id, b.id, b.id],
      [a.id, b.id, stranger.id],
      [a.id, b.id, c.id, stranger.id],
    ]) {
      await expect(setRiderStops(deps, rider.id, ids)).rejects.toBeInstanceOf(StopsMismatchError);
    }
    expect(await stopsOf()).toEqual([0, 1, 2]);
  });

  it("when a stop is handed to another rider, then the first rider's later stops move up and it goes last for the new rider", async () => {
    const { deps, rider, a, b, c, stopsOf } = await riderWithThree();
    const other = await storedRider(deps.store);
    const theirs = await storedDelivery(deps.store);
    await assignRider(deps, { deliveryId: theirs.id, riderId: other.id });
    deps.setNow(new Date(NOW.getTime() + 60_000));
    await assignRider(deps, { deliveryId: a.id, riderId: other.id });
    const [stopsA, stopsB, stopsC] = await stopsOf();
    expect([stopsB, stopsC]).toEqual([0, 1]);
    expect(stopsA).toBe(1);
    expect((await riderStops(deps, other.id)).map((s) => s.deliveryId)).toEqual([theirs.id, a.id]);
    expect((await riderStops(deps, rider.id)).map((s) => s.deliveryId)).toEqual([b.id, c.id]);
  });
});
