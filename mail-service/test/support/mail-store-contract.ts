import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { MailStore } from '../../src/data-access/mail-store.js';
import type { OpenedMailStore } from './mail-store-adapters.js';
import { aRecipient, anIntent, at } from './factories.js';

/** One behaviour for every adapter of the sent-mail ledger and the recipient directory (see mail-store.test.ts). */
export function describeMailStoreContract(name: string, factory: () => Promise<OpenedMailStore>, options: { reopens: boolean }): void {
  describe(`mail store contract: ${name}`, () => {
    let subject: OpenedMailStore;
    let store: MailStore;
    beforeEach(async () => {
      subject = await factory();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.dispose();
    });

    describe('ledger: recording', () => {
      it('when a mail is recorded, then it reads back exactly, and a second record for the same order and kind is refused', async () => {
        const intent = anIntent({ details: { failureReason: 'nobody home', etaAt: at(40), riderName: 'Rosa' } });
        expect(store.isReady()).toBe(true);
        expect(await store.ledger.record(intent)).toBe(true);
        expect(await store.ledger.find(intent.id)).toEqual(intent);
        expect(await store.ledger.record({ ...intent, eventId: 'another-event' })).toBe(false);
        expect((await store.ledger.find(intent.id))?.eventId).toBe(intent.eventId);
        expect(await store.ledger.find('no-such-mail')).toBeNull();
      });

      it('when ten records of one mail race, then exactly one wins', async () => {
        const intent = anIntent();
        const results = await Promise.all(Array.from({ length: 10 }, () => store.ledger.record(intent)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('when several kinds are recorded for an order, then kindsOf lists them and nothing of another order', async () => {
        const placed = anIntent({ kind: 'placed' });
        await store.ledger.record(placed);
        await store.ledger.record(anIntent({ orderId: placed.orderId, kind: 'late' }));
        await store.ledger.record(anIntent({ kind: 'delivered' }));
        expect((await store.ledger.kindsOf(placed.orderId)).sort()).toEqual(['late', 'placed']);
        expect(await store.ledger.kindsOf('00000000-0000-4000-8000-000000000000')).toEqual([]);
      });
    });

    describe('ledger: attempts', () => {
      it('when mails are due, then only pending ones whose next attempt has come are listed, most overdue first, up to the limit', async () => {
        const later = anIntent({ nextAttemptAt: at(5) });
        const earliest = anIntent({ nextAttemptAt: at(1) });
        const middle = anIntent({ nextAttemptAt: at(3) });
        const notYet = anIntent({ nextAttemptAt: at(30) });
        const sent = anIntent({ nextAttemptAt: at(1) });
        const givenUp = anIntent({ nextAttemptAt: at(1) });
        for (const intent of [later, earliest, middle, notYet, sent, givenUp]) await store.ledger.record(intent);
        await store.ledger.markSent(sent.id, at(1), '<m1@test>');
        await store.ledger.markFailed(givenUp.id, '550 no such mailbox', null);

        expect((await store.ledger.due(at(10), 10)).map((i) => i.id)).toEqual([earliest.id, middle.id, later.id]);
        expect((await store.ledger.due(at(10), 2)).map((i) => i.id)).toEqual([earliest.id, middle.id]);
        expect(await store.ledger.due(at(0), 10)).toEqual([]);
      });

      it('when attempt 2 is claimed, then it is claimed once: again, out of turn or after the mail was sent it is refused', async () => {
        const intent = anIntent();
        await store.ledger.record(intent);
        expect(await store.ledger.claimAttempt(intent.id, 3, at(9))).toBe(false);
        expect(await store.ledger.claimAttempt(intent.id, 2, at(9))).toBe(true);
        expect(await store.ledger.find(intent.id)).toMatchObject({ attempts: 2, nextAttemptAt: at(9), state: 'pending' });
        expect(await store.ledger.claimAttempt(intent.id, 2, at(9))).toBe(false);
        await store.ledger.markSent(intent.id, at(4), null);
        expect(await store.ledger.claimAttempt(intent.id, 3, at(9))).toBe(false);
        expect(await store.ledger.claimAttempt('no-such-mail', 2, at(9))).toBe(false);
      });

      it('when ten claims of the same attempt race, then exactly one wins', async () => {
        const intent = anIntent();
        await store.ledger.record(intent);
        const results = await Promise.all(Array.from({ length: 10 }, () => store.ledger.claimAttempt(intent.id, 2, at(9))));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('when an attempt fails, then the mail stays pending with the error and its next time; after the last one it is given up', async () => {
        const intent = anIntent();
        await store.ledger.record(intent);
        await store.ledger.markFailed(intent.id, 'ECONNECTION connect ECONNREFUSED', at(8));
        expect(await store.ledger.find(intent.id)).toMatchObject({ state: 'pending', lastError: 'ECONNECTION connect ECONNREFUSED', nextAttemptAt: at(8) });
        await store.ledger.markFailed(intent.id, '550 no such mailbox', null);
        expect(await store.ledger.find(intent.id)).toMatchObject({ state: 'given_up', lastError: '550 no such mailbox' });
        expect(await store.ledger.due(at(59), 10)).toEqual([]);
      });

      it('when a mail is marked sent, then it keeps when and the message id, and the last error is cleared', async () => {
        const intent = anIntent();
        await store.ledger.record(intent);
        await store.ledger.markFailed(intent.id, '451 try again later', at(3));
        await store.ledger.markSent(intent.id, at(4), '<abc@orderpulse>');
        expect(await store.ledger.find(intent.id)).toEqual({
          ...intent,
          state: 'sent',
          sentAt: at(4),
          messageId: '<abc@orderpulse>',
          lastError: null,
          nextAttemptAt: at(3),
        });
      });
    });

    describe('recipients', () => {
      it('when an order is remembered twice, then the first is kept; an unknown order is null', async () => {
        const recipient = aRecipient();
        await store.recipients.remember(recipient);
        await store.recipients.remember({ ...recipient, email: 'someone-else@example.com' });
        expect(await store.recipients.find(recipient.orderId)).toEqual({ ...recipient, unsubscribedAt: null });
        expect(await store.recipients.find('00000000-0000-4000-8000-000000000000')).toBeNull();
      });

      it('when the customer unsubscribes, then it is kept, a second unsubscribe or remember changes nothing, and an unknown order says so', async () => {
        const recipient = aRecipient();
        await store.recipients.remember(recipient);
        expect(await store.recipients.unsubscribe(recipient.orderId, at(7))).toBe(true);
        expect(await store.recipients.unsubscribe(recipient.orderId, at(9))).toBe(true);
        await store.recipients.remember(recipient);
        expect(await store.recipients.find(recipient.orderId)).toEqual({ ...recipient, unsubscribedAt: at(7) });
        expect(await store.recipients.unsubscribe('00000000-0000-4000-8000-000000000000', at(7))).toBe(false);
      });
    });

    // Only for stores that outlive the process (memory keeps nothing to reopen).
    if (options.reopens)
      it('when the store is opened again (a restart, or another instance), then mails, their state and recipients are all there', async () => {
        if (!subject.reopen) throw new Error(`${name} says it reopens but has no reopen()`);
        const sent = anIntent();
        const pending = anIntent({ kind: 'late' });
        const recipient = aRecipient({ orderId: sent.orderId });
        await store.ledger.record(sent);
        await store.ledger.record(pending);
        await store.ledger.markSent(sent.id, at(3), '<m@test>');
        await store.recipients.remember(recipient);
        await store.recipients.unsubscribe(recipient.orderId, at(5));

        const again = await subject.reopen();
        expect(await again.ledger.find(sent.id)).toMatchObject({ state: 'sent', messageId: '<m@test>' });
        expect(await again.ledger.record(sent)).toBe(false);
        expect((await again.ledger.due(at(59), 10)).map((i) => i.id)).toEqual([pending.id]);
        expect(await again.ledger.claimAttempt(pending.id, 2, at(9))).toBe(true);
        expect(await again.recipients.find(recipient.orderId)).toEqual({ ...recipient, unsubscribedAt: at(5) });
      });
  });
}
