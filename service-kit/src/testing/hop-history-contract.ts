// One behaviour for every hop history adapter (memory, journal, MongoDB): each store's test file
// runs this suite. Imports Jest, so it is not part of ./testing's index.
import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { HopHistory } from '../hops/hop-history.js';

export interface HopHistoryUnderTest {
  hops: HopHistory;
  /** Closes the store and opens it again on the same data (stores that outlive a restart). */
  reopen?(): Promise<HopHistory>;
  /** Closes the store and removes whatever it stored. */
  dispose(): Promise<void>;
}

const NOW = new Date('2026-11-26T12:00:00.000Z');
const t = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

export function describeHopHistoryContract(name: string, open: (maxPerOrder: number) => Promise<HopHistoryUnderTest>): void {
  describe(`hop history contract: ${name}`, () => {
    it('when the write, the confirm, the broker and the device report a change in any order, then its row holds the first of each', async () => {
      const subject = await open(50);
      try {
        const id = randomUUID();
        await subject.hops.record(id, 'tracking', 3, { watching: true, deviceAt: t(40) }, NOW);
        await subject.hops.record(id, 'tracking', 3, { brokerAt: t(30) }, NOW);
        await subject.hops.record(id, 'tracking', 3, { type: 'delivery.status_changed', status: 'picked_up', writtenAt: t(0), confirmedAt: t(20) }, NOW);
        // A source reporting again later (a redelivered event, a second confirm) changes nothing kept.
        await subject.hops.record(id, 'tracking', 3, { writtenAt: t(0), confirmedAt: t(99), brokerAt: t(99) }, new Date(NOW.getTime() + 1_000));
        await subject.hops.record(id, 'status', 1, { type: 'order.created', status: 'pending', writtenAt: t(-5), confirmedAt: t(-1) }, NOW);
        await subject.hops.record(id, 'status', 2, { watching: false }, NOW);
        let hops = subject.hops;
        if (subject.reopen) hops = await subject.reopen();
        expect(await hops.list(id)).toEqual([
          { kind: 'status', version: 1, type: 'order.created', status: 'pending', writtenAt: t(-5), confirmedAt: t(-1) },
          { kind: 'status', version: 2, watching: false },
          {
            kind: 'tracking',
            version: 3,
            type: 'delivery.status_changed',
            status: 'picked_up',
            writtenAt: t(0),
            confirmedAt: t(20),
            brokerAt: t(30),
            deviceAt: t(40),
            watching: true,
          },
        ]);
        expect(await hops.list(randomUUID())).toEqual([]);
      } finally {
        await subject.dispose();
      }
    });

    it("when many changes' times come in one write, repeats and a row's two sources among them, then each row holds the first of each, as one by one", async () => {
      const subject = await open(50);
      try {
        const [a, b] = [randomUUID(), randomUUID()];
        await subject.hops.record(a, 'status', 1, { writtenAt: t(0) }, NOW);
        await subject.hops.recordMany(
          [
            { orderId: a, kind: 'status', version: 1, patch: { writtenAt: t(0) } }, // kept already: skipped, the rest still kept
            { orderId: a, kind: 'status', version: 1, patch: { confirmedAt: t(5) } },
            { orderId: b, kind: 'status', version: 2, patch: { writtenAt: t(1), confirmedAt: t(2) } },
            { orderId: b, kind: 'status', version: 2, patch: { brokerAt: t(3) } },
            { orderId: b, kind: 'tracking', version: 1, patch: { brokerAt: t(4), deviceAt: undefined } },
            { orderId: b, kind: 'tracking', version: 2, patch: {} }, // nothing known: no row
          ],
          NOW,
        );
        await subject.hops.recordMany([], NOW);
        let hops = subject.hops;
        if (subject.reopen) hops = await subject.reopen();
        expect(await hops.list(a)).toEqual([{ kind: 'status', version: 1, writtenAt: t(0), confirmedAt: t(5) }]);
        expect(await hops.list(b)).toEqual([
          { kind: 'status', version: 2, writtenAt: t(1), confirmedAt: t(2), brokerAt: t(3) },
          { kind: 'tracking', version: 1, brokerAt: t(4) },
        ]);
      } finally {
        await subject.dispose();
      }
    });

    it('when an order has more rows than the bound, then the oldest go', async () => {
      const subject = await open(3);
      try {
        const id = randomUUID();
        for (const version of [1, 2, 3, 4, 5]) await subject.hops.record(id, 'status', version, { writtenAt: t(version) }, NOW);
        let hops = subject.hops;
        if (subject.reopen) hops = await subject.reopen();
        expect((await hops.list(id)).map((r) => r.version)).toEqual([3, 4, 5]);
      } finally {
        await subject.dispose();
      }
    });

    it('when times of one change come at once, then none is lost', async () => {
      const subject = await open(50);
      try {
        const id = randomUUID();
        await Promise.all([
          subject.hops.record(id, 'status', 2, { writtenAt: t(0) }, NOW),
          subject.hops.record(id, 'status', 2, { confirmedAt: t(1) }, NOW),
          subject.hops.record(id, 'status', 2, { brokerAt: t(2) }, NOW),
          subject.hops.record(id, 'status', 2, { watching: false }, NOW),
        ]);
        expect(await subject.hops.list(id)).toEqual([{ kind: 'status', version: 2, writtenAt: t(0), confirmedAt: t(1), brokerAt: t(2), watching: false }]);
      } finally {
        await subject.dispose();
      }
    });

    it('when hop histories are pruned, then only the orders whose newest row was kept before the cutoff go', async () => {
      const subject = await open(50);
      try {
        const old = randomUUID();
        const recent = randomUUID();
        await subject.hops.record(old, 'status', 1, { writtenAt: t(0) }, new Date('2026-10-01T00:00:00.000Z'));
        await subject.hops.record(recent, 'status', 1, { writtenAt: t(0) }, new Date('2026-10-01T00:00:00.000Z'));
        await subject.hops.record(recent, 'status', 1, { brokerAt: t(1) }, new Date('2026-11-25T00:00:00.000Z'));
        expect(await subject.hops.pruneKeptBefore(new Date('2026-11-01T00:00:00.000Z'))).toBe(1);
        let hops = subject.hops;
        if (subject.reopen) hops = await subject.reopen();
        expect(await hops.list(old)).toEqual([]);
        expect(await hops.list(recent)).toHaveLength(1);
      } finally {
        await subject.dispose();
      }
    });
  });
}
