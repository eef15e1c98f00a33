import { describe, expect, it } from '@jest/globals';
import { describeIfAvailable, mongoTestTarget } from '@orderpulse/service-kit/testing/suites';
import { randomUUID } from 'node:crypto';
import { applyRiderLocation } from '../src/domain/apply-rider-location.js';
import { applyRiderStatusReport } from '../src/domain/apply-rider-status-report.js';
import { openJournaledDeliveryStore } from '../src/data-access/journaled-delivery-store.js';
import { connectMongoDeliveryStore } from '../src/data-access/mongo-delivery-store.js';
import { createInMemoryDeliveryStore } from '../src/data-access/in-memory-delivery-store.js';
import { pruneTracks } from '../src/track/get-delivery-track.js';
import { withPoint, type PositionHistory } from '../src/track/position-history.js';
import { createLogger } from '@orderpulse/service-kit';
import { aTestDatabase, FERRETDB_CLIENT_POOL_SIZE } from '@orderpulse/service-kit/testing';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { at } from './support/factories.js';
import { assignedTo, storedDelivery, storedRider } from './support/stored.js';
import { testDeps } from './support/use-case-deps.js';

const point = (minute: number, lat = 51.45) => ({ lat, lng: -2.59, at: at(minute) });
const NOW = new Date('2026-11-26T12:00:00.000Z');
const logger = createLogger('track-test', 'silent');

describe('withPoint', () => {
  it('when a point comes out of order, then it is put in time order; a repeat of a kept time is skipped', () => {
    expect(withPoint([point(1), point(3)], point(2), 10)?.map((p) => p.at)).toEqual([at(1), at(2), at(3)]);
    expect(withPoint([point(1)], point(1, 50), 10)).toBeNull();
  });

  it('when the bound is reached, then the oldest point goes', () => {
    expect(withPoint([point(1), point(2), point(3)], point(4), 3)?.map((p) => p.at)).toEqual([at(2), at(3), at(4)]);
  });
});

/** The same expectations for every adapter of the history. */
function describePositionHistory(name: string, open: (maxPerDelivery: number) => Promise<{ positions: PositionHistory; dispose(): Promise<void> }>) {
  describe(`position history, ${name}`, () => {
    it('when positions are appended past the bound and again, then the newest are listed in time order once each', async () => {
      const { positions, dispose } = await open(3);
      try {
        const id = randomUUID();
        for (const minute of [1, 2, 4, 3, 5, 5]) await positions.append(id, point(minute), NOW);
        expect((await positions.list(id)).map((p) => p.at)).toEqual([at(3), at(4), at(5)]);
        expect(await positions.list(randomUUID())).toEqual([]);
      } finally {
        await dispose();
      }
    });

    it('when tracks are pruned, then only those whose last position was kept before the cutoff go', async () => {
      const { positions, dispose } = await open(10);
      try {
        const old = randomUUID();
        const recent = randomUUID();
        await positions.append(old, point(1), new Date('2026-10-01T00:00:00.000Z'));
        await positions.append(recent, point(1), new Date('2026-11-25T00:00:00.000Z'));
        expect(await positions.pruneKeptBefore(new Date('2026-11-01T00:00:00.000Z'))).toBe(1);
        expect(await positions.list(old)).toEqual([]);
        expect(await positions.list(recent)).toHaveLength(1);
      } finally {
        await dispose();
      }
    });
  });
}

describePositionHistory('in memory', async (max) => {
  const store = createInMemoryDeliveryStore(undefined, undefined, undefined, max);
  return { positions: store.positions!, dispose: () => store.close() };
});

describePositionHistory('journaled files (reopened)', async (max) => {
  const dir = mkdtempSync(join(tmpdir(), 'delivery-tracks-'));
  let store = openJournaledDeliveryStore(dir, max);
  // Appends go to the first store; reads come from a second one opened on the same files.
  const positions: PositionHistory = {
    append: (id, p, now) => store.positions!.append(id, p, now),
    pruneKeptBefore: (cutoff) => store.positions!.pruneKeptBefore(cutoff),
    list: async (id) => {
      await store.close();
      store = openJournaledDeliveryStore(dir, max);
      return store.positions!.list(id);
    },
  };
  return {
    positions,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('journaled position history', () => {
  it('when a long ride is kept, then the journal grows by a line per point (not by the whole track) and the bound holds after reopening', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'delivery-tracks-'));
    try {
      const store = openJournaledDeliveryStore(dir, 40);
      const id = randomUUID();
      for (let second = 0; second < 50; second += 1) await store.positions!.append(id, { lat: 51.45, lng: -2.59, at: at(1, second) }, NOW);
      await store.close();
      const lines = readFileSync(join(dir, 'track-points.jsonl'), 'utf8').split('\n').filter(Boolean);
      expect(Math.max(...lines.map((line) => line.length))).toBeLessThan(400); // one point with its keys; the 40-point track would be over 2,000
      const reopened = openJournaledDeliveryStore(dir, 40);
      const kept = await reopened.positions!.list(id);
      await reopened.close();
      expect(kept).toHaveLength(40);
      expect(kept[0]?.at).toBe(at(1, 10));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const mongo = mongoTestTarget();
describeIfAvailable('position history on MongoDB', 'missing' in mongo ? mongo.missing : undefined, () => {
  describePositionHistory('MongoDB', async (max) => {
    const url = (mongo as { url: string }).url;
    const database = aTestDatabase(url, 'delivery-track');
    const store = await connectMongoDeliveryStore({ url, dbName: database.name, logger, maxPoolSize: FERRETDB_CLIENT_POOL_SIZE, maxTrackPoints: max });
    return {
      positions: store.positions!,
      dispose: async () => {
        await store.close();
        await database.drop();
      },
    };
  });
});

describe('rider reports keep the ridden path', () => {
  it('when a rider reports picked_up with a position and then moves, then each position the delivery took is kept; a repeat or older one is not', async () => {
    const deps = testDeps({ now: NOW });
    deps.positions = deps.store.positions;
    const rider = await storedRider(deps.store);
    const delivery = await storedDelivery(deps.store, assignedTo(rider));

    await applyRiderStatusReport(deps, { riderId: rider.id, deliveryId: delivery.id, report: { status: 'picked_up', at: at(5), lat: 51.46, lng: -2.58 } });
    await applyRiderLocation(deps, rider.id, { lat: 51.455, lng: -2.585, at: at(6) });
    await applyRiderLocation(deps, rider.id, { lat: 51.455, lng: -2.585, at: at(6) });
    await applyRiderLocation(deps, rider.id, { lat: 51.4, lng: -2.5, at: at(5, 30) });
    await applyRiderLocation(deps, rider.id, { lat: 51.45, lng: -2.59, heading: 90, at: at(7) });

    expect(await deps.store.positions!.list(delivery.id)).toEqual([
      { lat: 51.46, lng: -2.58, at: at(5) },
      { lat: 51.455, lng: -2.585, at: at(6) },
      { lat: 51.45, lng: -2.59, heading: 90, at: at(7) },
    ]);
  });

  it('when keeping a position fails, then the report is still applied', async () => {
    const deps = testDeps({ now: NOW });
    deps.positions = { append: () => Promise.reject(new Error('disk full')), list: async () => [], pruneKeptBefore: async () => 0 };
    const rider = await storedRider(deps.store);
    await storedDelivery(deps.store, assignedTo(rider, 'picked_up'));
    const outcome = await applyRiderLocation(deps, rider.id, { lat: 51.455, lng: -2.585, at: at(6) });
    expect(outcome.updated).toHaveLength(1);
  });

  it('when the pruner runs, then tracks older than the retention days are dropped', async () => {
    const deps = testDeps({ now: NOW });
    const positions = deps.store.positions!;
    await positions.append('a', point(1), new Date(NOW.getTime() - 31 * 86_400_000));
    await positions.append('b', point(1), new Date(NOW.getTime() - 29 * 86_400_000));
    expect(await pruneTracks({ ...deps, positions, trackRetention: { maxPerDelivery: 10, retentionDays: 30 } })).toBe(1);
    expect(await positions.list('a')).toEqual([]);
    expect(await positions.list('b')).toHaveLength(1);
  });
});
