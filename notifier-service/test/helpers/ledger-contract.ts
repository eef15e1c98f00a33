import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { OrderTrackingMessage } from '@orderpulse/contracts';
import type { NotifierLedger } from '../../src/ledger/open-ledger.js';

type LedgerParts = Pick<NotifierLedger, 'orders' | 'deliveries' | 'tracking'>;

export interface LedgerUnderTest {
  /** Two notifiers on the ledger: the same one twice in memory (one notifier), two connections to one Redis. */
  mine: LedgerParts;
  theirs: LedgerParts;
  dispose(): Promise<void>;
}

const anEvent = (aggregateId: string, version: number, id = randomUUID()) => ({ id, aggregateId, version });

/** One behaviour for every ledger: the memory and the Redis ledgers each run this suite (see ledger.test.ts). */
export function describeLedgerContract(name: string, factory: () => Promise<LedgerUnderTest>): void {
  describe(`notifier ledger contract: ${name}`, () => {
    let subject: LedgerUnderTest;
    let mine: LedgerParts;
    let theirs: LedgerParts;
    beforeEach(async () => {
      subject = await factory();
      ({ mine, theirs } = subject);
    });
    afterEach(async () => {
      await subject.dispose();
    });

    it('when nothing was published for an order, then any version is published', async () => {
      expect(await theirs.orders.claim(anEvent(randomUUID(), 3))).toEqual({ publish: true });
    });

    it('when an event was recorded, then it is a duplicate when it comes again, and older versions are stale', async () => {
      const orderId = randomUUID();
      const v3 = anEvent(orderId, 3);
      expect(await theirs.orders.claim(v3)).toEqual({ publish: true });
      await mine.orders.record(v3, { version: 3, trackingNumber: 'TRK-9' });

      expect(await theirs.orders.claim(v3)).toEqual({ publish: false, reason: 'duplicate' });
      expect(await theirs.orders.claim(anEvent(orderId, 2))).toEqual({ publish: false, reason: 'stale', publishedVersion: 3 });
      expect(await theirs.orders.claim(anEvent(orderId, 3))).toEqual({ publish: false, reason: 'stale', publishedVersion: 3 });
    });

    it('when an order was published, then the next claim carries its progress (the tracking number)', async () => {
      const orderId = randomUUID();
      await mine.orders.record(anEvent(orderId, 4), { version: 4, trackingNumber: 'TRK-9' });
      expect(await theirs.orders.claim(anEvent(orderId, 5))).toEqual({ publish: true, progress: { version: 4, trackingNumber: 'TRK-9' } });
    });

    it('when an attempt at version 5 began and failed, then a retried version 4 is stale and version 5 may be tried again', async () => {
      const orderId = randomUUID();
      const [v4, v5] = [anEvent(orderId, 4), anEvent(orderId, 5)];
      expect(await mine.orders.claim(v4)).toEqual({ publish: true });
      // v4 failed and went back to the queue; v5 began (and may have reached the broker), then failed too.
      expect(await mine.orders.claim(v5)).toEqual({ publish: true });
      expect(await theirs.orders.claim(v4)).toEqual({ publish: false, reason: 'stale', publishedVersion: 5 });
      expect(await theirs.orders.claim(v5)).toEqual({ publish: true });
      await theirs.orders.record(v5, { version: 5, trackingNumber: null });
      expect(await mine.orders.claim(v5)).toEqual({ publish: false, reason: 'duplicate' });
    });

    it('when an order and a delivery share an id, then their versions are judged apart', async () => {
      const id = randomUUID();
      await mine.orders.record(anEvent(id, 7), { version: 7, trackingNumber: null });
      expect(await theirs.deliveries.claim(anEvent(id, 1))).toEqual({ publish: true });
    });

    it("when one notifier stores an order's tracking message, then the other reads it back; an unknown order has none", async () => {
      const orderId = randomUUID();
      const message = { orderId, deliveryId: randomUUID(), status: 'assigned', history: [], version: 2 } as unknown as OrderTrackingMessage;
      await mine.tracking.set(orderId, message);
      expect(await theirs.tracking.get(orderId)).toEqual(message);
      expect(await theirs.tracking.get(randomUUID())).toBeUndefined();
    });
  });
}
