// One behaviour for every outbox store (orders, deliveries; memory, journal, MongoDB): each
// adapter's test file runs this suite. Imports Jest, so it is not part of ./testing's index
// (that index is also loaded by Jest's global setup, outside any test).
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { OutboxEvent, OutboxStore } from '../outbox/outbox-store.js';
import { tryToChange } from './try-to-change.js';

export interface OutboxStoreUnderTest<E extends OutboxEvent> {
  store: OutboxStore<E> & { countPendingEvents(): Promise<number> };
  /** Writes a new aggregate whose first event was written at `at`; resolves with its id and that event. */
  writeNew(at: Date): Promise<{ id: string; event: E }>;
  /** Writes the aggregate's next change (expected version `fromVersion`) at `at`; resolves with its event. */
  writeChange(id: string, fromVersion: number, at: Date): Promise<E>;
  /** Another process's view of the same data, for stores several processes share. */
  openPeer?(options: { leaseMs: number; waitMs: number }): Promise<OutboxStore<E> & { close(): Promise<void> }>;
  /** Closes the store and removes whatever it stored. */
  dispose(): Promise<void>;
}

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, seconds));
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

export function describeOutboxStoreContract<E extends OutboxEvent>(name: string, factory: () => Promise<OutboxStoreUnderTest<E>>): void {
  describe(`outbox store contract: ${name}`, () => {
    let subject: OutboxStoreUnderTest<E>;
    beforeEach(async () => {
      subject = await factory();
    });
    afterEach(async () => {
      await subject.dispose();
    });

    it('when aggregates have pending events, then their ids are listed by their oldest pending event, up to the limit', async () => {
      const { store } = subject;
      const early = await subject.writeNew(at(1));
      const later = await subject.writeNew(at(2));
      const settled = await subject.writeNew(at(0));
      await store.removePendingEvent(settled.id, settled.event.id);
      // `early` is published, then changes again after `later` was written: its oldest pending event is now the newest.
      await store.removePendingEvent(early.id, early.event.id);
      const change = await subject.writeChange(early.id, 1, at(3));

      expect(await store.idsWithPendingEvents(10)).toEqual([later.id, early.id]);
      expect(await store.idsWithPendingEvents(1)).toEqual([later.id]);
      expect(await store.pendingEventsOf(early.id)).toEqual([change]);
      expect(await store.pendingEventsOf(UNKNOWN_ID)).toEqual([]);
    });

    it('when a published event is removed, then only that event leaves, and removing it again or from an unknown aggregate changes nothing', async () => {
      const { store } = subject;
      const { id, event: created } = await subject.writeNew(at(1));
      const change = await subject.writeChange(id, 1, at(5));
      expect(await store.countPendingEvents()).toBe(2);

      await store.removePendingEvent(id, created.id);
      expect(await store.pendingEventsOf(id)).toEqual([change]);
      await store.removePendingEvent(id, created.id);
      await store.removePendingEvent(UNKNOWN_ID, change.id);
      expect(await store.countPendingEvents()).toBe(1);

      await store.removePendingEvent(id, change.id);
      expect(await store.countPendingEvents()).toBe(0);
      expect(await store.idsWithPendingEvents(10)).toEqual([]);
    });

    it('when the pending events are read, then changing them changes nothing stored', async () => {
      const { store } = subject;
      const { id, event } = await subject.writeNew(at(1));
      const read = await store.pendingEventsOf(id);
      expect(read).toEqual([event]);
      tryToChange(() => (read.length = 0));
      tryToChange(() => ((read[0] as { version: number }).version = 99));
      tryToChange(() => ((read[0] as unknown as { data: { id: string } }).data.id = 'changed'));
      expect(await store.pendingEventsOf(id)).toEqual([event]);
    });

    it('when a change is written while an event is being removed, then the new event stays pending', async () => {
      const { store } = subject;
      const { id, event: created } = await subject.writeNew(at(1));
      const [, change] = await Promise.all([store.removePendingEvent(id, created.id), subject.writeChange(id, 1, at(2))]);
      expect(await store.pendingEventsOf(id)).toEqual([change]);
      expect(await store.idsWithPendingEvents(10)).toEqual([id]);
    });

    describe('shared by several processes', () => {
      const sharedIt = (title: string, test: () => Promise<void>) =>
        it(title, async () => (subject.openPeer ? test() : expect(subject.store.exclusiveDrain).toBeUndefined()));

      sharedIt('when two processes drain one aggregate, then the second waits for the first; other aggregates do not wait', async () => {
        const peer = await subject.openPeer!({ leaseMs: 10_000, waitMs: 5_000 });
        try {
          const a = subject.store;
          const { id } = await subject.writeNew(at(1));
          const { id: other } = await subject.writeNew(at(2));
          const order: string[] = [];
          const release = deferred();
          const entered = deferred();
          const first = a.exclusiveDrain!(id, async () => {
            order.push('first in');
            entered.resolve();
            await release.promise;
            order.push('first out');
          });
          await entered.promise;
          const second = peer.exclusiveDrain!(id, async () => void order.push('second'));
          await peer.exclusiveDrain!(other, async () => void order.push('other'));
          release.resolve();
          await Promise.all([first, second]);
          expect(order).toEqual(['first in', 'other', 'first out', 'second']);
        } finally {
          await peer.close();
        }
      });

      sharedIt('when a drain fails, then the aggregate is free for the next one', async () => {
        const peer = await subject.openPeer!({ leaseMs: 10_000, waitMs: 5_000 });
        try {
          const { id } = await subject.writeNew(at(1));
          await expect(subject.store.exclusiveDrain!(id, () => Promise.reject(new Error('broker said no')))).rejects.toThrow('broker said no');
          await expect(peer.exclusiveDrain!(id, async () => 'drained')).resolves.toBe('drained');
        } finally {
          await peer.close();
        }
      });

      sharedIt('when the holder stops answering, then another process takes over once its claim lapses, and a waiter gives up after its wait', async () => {
        const stuck = await subject.openPeer!({ leaseMs: 400, waitMs: 100 });
        const patient = await subject.openPeer!({ leaseMs: 400, waitMs: 5_000 });
        const impatient = await subject.openPeer!({ leaseMs: 400, waitMs: 100 });
        try {
          const { id } = await subject.writeNew(at(1));
          const entered = deferred();
          // Closing `stuck` while it holds the claim stops its renewals, as a crash would.
          void stuck.exclusiveDrain!(id, async () => {
            entered.resolve();
            await new Promise(() => undefined);
          });
          await entered.promise;
          await stuck.close();
          await expect(impatient.exclusiveDrain!(id, async () => 'too early')).rejects.toThrow(/another instance has been draining/);
          await expect(patient.exclusiveDrain!(id, async () => 'taken over')).resolves.toBe('taken over');
        } finally {
          await Promise.all([patient.close(), impatient.close()]);
        }
      });
    });
  });
}
