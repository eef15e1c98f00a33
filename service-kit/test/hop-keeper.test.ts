import { describe, expect, it } from '@jest/globals';
import type { HopKind, HopPatch } from '@orderpulse/contracts';
import { createMapHopHistory, HopKeeper, type HopHistory, type HopRecord } from '../src/index.js';
import { captureLogger } from '../src/testing/capture-logger.js';

const NOW = new Date('2026-11-26T12:00:00.000Z');
const row = (version: number) => ({ kind: 'status' as HopKind, version, writtenAt: NOW.toISOString() });

/** A history whose writes wait until released, counting how many are under way at once and the rows of each. */
function slowHistory() {
  const inner = createMapHopHistory(new Map());
  const pending: Array<() => void> = [];
  const writes: number[] = [];
  let running = 0;
  let most = 0;
  const hops: HopHistory = {
    ...inner,
    async record(orderId: string, kind: HopKind, version: number, patch: HopPatch, now: Date) {
      await hops.recordMany([{ orderId, kind, version, patch }], now);
    },
    async recordMany(records: readonly HopRecord[], now: Date) {
      writes.push(records.length);
      running += 1;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => pending.push(resolve));
      running -= 1;
      await inner.recordMany(records, now);
    },
  };
  return { hops, inner, writes, release: () => pending.splice(0).forEach((resolve) => resolve()), most: () => most, waiting: () => pending.length };
}

describe('hop keeper', () => {
  it('when times come faster than the store writes, then at most `concurrency` writes run, the rest wait their turn and all are kept', async () => {
    const slow = slowHistory();
    const keeper = new HopKeeper({ hops: slow.hops, logger: captureLogger().logger, clock: () => NOW }, { concurrency: 2, maxQueued: 10, rowsPerWrite: 2 });
    for (let version = 1; version <= 5; version += 1) keeper.keep('order-1', row(version));
    expect(slow.waiting()).toBe(0); // gathered for flushMs first
    keeper.flush();
    expect(slow.waiting()).toBe(2);
    expect(slow.writes).toEqual([2, 2]);
    const idle = keeper.idle();
    while (slow.waiting() > 0) {
      slow.release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await idle;
    expect(slow.most()).toBe(2);
    expect(slow.writes).toEqual([2, 2, 1]);
    expect((await slow.inner.list('order-1')).map((r) => r.version)).toEqual([1, 2, 3, 4, 5]);
  });

  it("when many changes' times were gathered, then they go to the store in one write, which keeps them all", async () => {
    const slow = slowHistory();
    const keeper = new HopKeeper({ hops: slow.hops, logger: captureLogger().logger, clock: () => NOW }, { concurrency: 2, maxQueued: 1_000 });
    for (let order = 1; order <= 300; order += 1) keeper.keep(`order-${order}`, row(1));
    const idle = keeper.idle();
    expect(slow.writes).toEqual([300]);
    slow.release();
    await idle;
    expect(await slow.inner.list('order-300')).toEqual([row(1)]);
  });

  it('when a write of many fails, then one line names it and the keeper goes on with the next', async () => {
    const inner = createMapHopHistory(new Map());
    let failNext = true;
    const hops: HopHistory = {
      ...inner,
      async recordMany(records: readonly HopRecord[], now: Date) {
        if (failNext) {
          failNext = false;
          throw new Error('disk full');
        }
        await inner.recordMany(records, now);
      },
    };
    const { logger, lines } = captureLogger();
    const keeper = new HopKeeper({ hops, logger, clock: () => NOW }, { concurrency: 1, maxQueued: 10, rowsPerWrite: 2 });
    for (let version = 1; version <= 3; version += 1) keeper.keep('order-1', row(version));
    await keeper.idle();
    const failed = lines.filter((l) => l.msg === 'hop times could not be kept for replay');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ orderId: 'order-1', rows: 2 });
    expect((await inner.list('order-1')).map((r) => r.version)).toEqual([3]);
  });

  it('when the queue is full, then further times are dropped and counted, with a line; after close nothing more is taken', async () => {
    const slow = slowHistory();
    const { logger, lines } = captureLogger();
    const keeper = new HopKeeper({ hops: slow.hops, logger, clock: () => NOW }, { concurrency: 1, maxQueued: 2, rowsPerWrite: 1 });
    for (let version = 1; version <= 6; version += 1) keeper.keep('order-1', row(version));
    expect(keeper.dropped).toBe(4); // two gathered
    keeper.flush();
    keeper.keep('order-1', row(3)); // one writing, one queued, this one gathered
    keeper.keep('order-1', row(4));
    expect(keeper.dropped).toBe(5);
    expect(lines.filter((l) => l.msg === 'hop times dropped: the store is not keeping up')).toHaveLength(1);
    const closed = keeper.close();
    keeper.keep('order-1', row(7));
    while (slow.waiting() > 0) {
      slow.release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await closed;
    expect((await slow.inner.list('order-1')).map((r) => r.version)).toEqual([1, 2, 3]);
  });

  it("when a change's times come close together, then they make one write, the first of each hop kept", async () => {
    const slow = slowHistory();
    const keeper = new HopKeeper({ hops: slow.hops, logger: captureLogger().logger, clock: () => NOW }, { concurrency: 2, maxQueued: 10 });
    keeper.keep('order-1', { kind: 'tracking', version: 3, brokerAt: '2026-11-26T12:00:00.010Z' });
    keeper.keep('order-1', { kind: 'tracking', version: 3, watching: true, deviceAt: '2026-11-26T12:00:00.020Z' });
    keeper.keep('order-1', { kind: 'tracking', version: 3, brokerAt: '2026-11-26T12:00:09.999Z' });
    const idle = keeper.idle();
    expect(slow.waiting()).toBe(1);
    slow.release();
    await idle;
    // Once written, a repeat of the same hops (a redelivered event's receipts) is no write at all.
    keeper.keep('order-1', { kind: 'tracking', version: 3, brokerAt: '2026-11-26T12:00:19.999Z', watching: true });
    keeper.flush();
    expect(slow.waiting()).toBe(0);
    expect(await slow.inner.list('order-1')).toEqual([
      { kind: 'tracking', version: 3, brokerAt: '2026-11-26T12:00:00.010Z', watching: true, deviceAt: '2026-11-26T12:00:00.020Z' },
    ]);
  });
});
