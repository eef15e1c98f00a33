import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createTokenService } from '@orderpulse/service-kit';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '@orderpulse/service-kit/testing/smtp-sink';
import { mailIdOf } from '../src/data-access/mail-store.js';
import { notifyCustomer, RecipientNotKnownError } from '../src/domain/notify-customer.js';
import { rememberRecipient } from '../src/domain/remember-recipient.js';
import { resendDueMails } from '../src/domain/resend-due-mails.js';
import { aDeliveryOf, anOrder, deliveryEvent, orderCreated, orderStatusChanged } from './support/factories.js';
import { counterValue, mailDepsUnderTest, PUBLIC_WEB_URL, TEST_SECRET, type MailDepsUnderTest } from './support/mail-deps-under-test.js';

const REFUSED = 'nobody@refused.example';

describe('mailing the customer (use cases, memory store, a real SMTP server)', () => {
  let sink: SmtpSink;
  let sut: MailDepsUnderTest;
  beforeAll(async () => {
    sink = await startSmtpSink({ refuseRecipients: (address) => address === REFUSED });
  });
  afterAll(async () => {
    await sink?.close();
  });
  beforeEach(() => {
    sut = mailDepsUnderTest(sink, { resendAfterMs: 60_000, maxAttempts: 3 });
  });
  afterEach(() => sut.close());

  const mailsTo = (address: string) => (mail: ReceivedMail) => mail.recipients.includes(address);
  async function placed(overrides: Parameters<typeof anOrder>[0] = {}) {
    const order = anOrder(overrides);
    const created = orderCreated(order);
    await rememberRecipient(sut.deps, order);
    return { order, created };
  }

  it('when an order is placed, then one mail goes to the customer with a text and an HTML part, a live tracking link and an unsubscribe link', async () => {
    const { order, created } = await placed();
    expect(await notifyCustomer(sut.deps, created)).toBe('sent');

    const [mail] = await sink.waitForMails(1, mailsTo(order.customer.email));
    expect(mail!.subject).toBe(`We have your order ${order.orderNumber}`);
    expect(mail!.text).toContain('Hello Ada Lovelace');
    expect(mail!.html).toContain('Track your order');
    const link = /Track your order: (\S+)/.exec(mail!.text)![1]!;
    expect(link.startsWith(`${PUBLIC_WEB_URL}/track/${order.id}?t=`)).toBe(true);
    const claims = await createTokenService(TEST_SECRET, () => sut.deps.clock().getTime()).verify(new URL(link).searchParams.get('t')!);
    expect(claims).toMatchObject({ role: 'customer', sub: `customer:${order.id}`, orderId: order.id });
    expect(mail!.headers.get('list-unsubscribe')).toMatch(/^<https:\/\/shop\.example\/api\/mail\/unsubscribe\?t=[^>]+>/);
    expect(mail!.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(await sut.store.ledger.find(mailIdOf(order.id, 'placed'))).toMatchObject({ state: 'sent', attempts: 1, eventId: created.id });
    expect(await counterValue(sut.registry, 'mails_sent_total', { kind: 'placed' })).toBe(1);
    expect(sut.log.lines.find((l) => l.msg === 'mail sent')).toMatchObject({ orderId: order.id, eventId: created.id, kind: 'placed' });
  });

  it('when the same change comes twice, or as another event of the same kind, then the customer still gets one mail', async () => {
    const { order, created } = await placed();
    const outForDelivery = orderStatusChanged(order, 'out_for_delivery');
    const results = [
      await notifyCustomer(sut.deps, created),
      await notifyCustomer(sut.deps, created),
      await notifyCustomer(sut.deps, outForDelivery),
      await notifyCustomer(sut.deps, outForDelivery),
      await notifyCustomer(sut.deps, { ...orderStatusChanged(order, 'out_for_delivery', 6) }),
    ];
    expect(results).toEqual(['sent', 'duplicate', 'sent', 'duplicate', 'duplicate']);
    await sink.waitForMails(2, mailsTo(order.customer.email));
    expect(await counterValue(sut.registry, 'mails_deduplicated_total', { kind: 'out_for_delivery', reason: 'duplicate' })).toBe(2);
    expect(sink.mails.filter(mailsTo(order.customer.email)).map((m) => m.subject)).toEqual([
      `We have your order ${order.orderNumber}`,
      `Order ${order.orderNumber} is out for delivery`,
    ]);
  });

  it('when events of each kind arrive, then each sends its own mail; an earlier stage arriving after a later one sends nothing', async () => {
    const { order, created } = await placed();
    const delivery = aDeliveryOf(order);
    const sent = [
      await notifyCustomer(sut.deps, created),
      await notifyCustomer(sut.deps, deliveryEvent('delivery.late', delivery)),
      await notifyCustomer(sut.deps, deliveryEvent('delivery.arriving', delivery)),
      await notifyCustomer(sut.deps, orderStatusChanged(order, 'out_for_delivery')),
      await notifyCustomer(sut.deps, orderStatusChanged(order, 'delivered', 6)),
    ];
    expect(sent).toEqual(['sent', 'sent', 'sent', 'superseded', 'sent']);
    const other = await placed();
    expect(
      await notifyCustomer(sut.deps, deliveryEvent('delivery.status_changed', aDeliveryOf(other.order, { status: 'failed', failureReason: 'gate locked' }))),
    ).toBe('sent');
    const [failed] = await sink.waitForMails(1, mailsTo(other.order.customer.email));
    expect(failed!.text).toContain('(gate locked)');
    expect((await sink.waitForMails(4, mailsTo(order.customer.email))).map((m) => m.subject)).toEqual([
      `We have your order ${order.orderNumber}`,
      `Order ${order.orderNumber} is running late`,
      `Your order ${order.orderNumber} is almost there`,
      `Order ${order.orderNumber} has been delivered`,
    ]);
  });

  it('when the order was never seen, then the caller learns so and nothing is recorded', async () => {
    const order = anOrder();
    await expect(notifyCustomer(sut.deps, orderCreated(order))).rejects.toThrow(RecipientNotKnownError);
    expect(await sut.store.ledger.kindsOf(order.id)).toEqual([]);
  });

  it('when the customer unsubscribed from the order, then no further mail goes to them', async () => {
    const { order, created } = await placed();
    expect(await notifyCustomer(sut.deps, created)).toBe('sent');
    await sut.store.recipients.unsubscribe(order.id, sut.deps.clock().toISOString());
    expect(await notifyCustomer(sut.deps, orderStatusChanged(order, 'out_for_delivery'))).toBe('unsubscribed');
    await sink.waitForMails(1, mailsTo(order.customer.email));
    expect(sink.mails.filter(mailsTo(order.customer.email))).toHaveLength(1);
    expect(await counterValue(sut.registry, 'mails_skipped_total', { kind: 'out_for_delivery', reason: 'unsubscribed' })).toBe(1);
  });

  it('when the SMTP server defers the mail, then it stays pending and the next sweep after RESEND_AFTER_MS sends it, once', async () => {
    const { order, created } = await placed();
    sink.deferNext(1);
    expect(await notifyCustomer(sut.deps, created)).toBe('failed');
    expect(await sut.store.ledger.find(mailIdOf(order.id, 'placed'))).toMatchObject({ state: 'pending', lastError: expect.stringMatching(/451/) });

    expect(await resendDueMails(sut.deps, 10)).toEqual({ due: 0, attempted: 0, sent: 0 });
    sut.advance(60_000);
    expect(await resendDueMails(sut.deps, 10)).toEqual({ due: 1, attempted: 1, sent: 1 });
    expect(await resendDueMails(sut.deps, 10)).toEqual({ due: 0, attempted: 0, sent: 0 });
    await sink.waitForMails(1, mailsTo(order.customer.email));
    expect(sink.mails.filter(mailsTo(order.customer.email))).toHaveLength(1);
    expect(await sut.store.ledger.find(mailIdOf(order.id, 'placed'))).toMatchObject({ state: 'sent', attempts: 2 });
    expect(await counterValue(sut.registry, 'mails_failed_total', { kind: 'placed', final: 'false' })).toBe(1);
  });

  it('when every attempt is deferred, then the wait doubles and after the last attempt the mail is given up and logged as an error', async () => {
    const { order, created } = await placed();
    sink.deferNext(3);
    expect(await notifyCustomer(sut.deps, created)).toBe('failed');
    sut.advance(60_000);
    expect((await resendDueMails(sut.deps, 10)).attempted).toBe(1);
    sut.advance(60_000);
    expect((await resendDueMails(sut.deps, 10)).attempted).toBe(0); // the second wait is twice as long
    sut.advance(60_000);
    expect((await resendDueMails(sut.deps, 10)).attempted).toBe(1);
    expect(await sut.store.ledger.find(mailIdOf(order.id, 'placed'))).toMatchObject({ state: 'given_up', attempts: 3 });
    expect(await counterValue(sut.registry, 'mails_failed_total', { kind: 'placed', final: 'true' })).toBe(1);
    expect(sut.log.lines.find((l) => l.level === 50)).toMatchObject({ orderId: order.id, kind: 'placed' });
  });

  it('when the server refuses the mailbox (550), then the mail is given up at once', async () => {
    const { order, created } = await placed({ customer: { name: 'Nobody', email: REFUSED } });
    expect(await notifyCustomer(sut.deps, created)).toBe('given_up');
    expect(await sut.store.ledger.find(mailIdOf(order.id, 'placed'))).toMatchObject({ state: 'given_up', lastError: expect.stringMatching(/550/) });
  });

  it('when a process died after recording a mail and before sending it, then the sweep sends it after RESEND_AFTER_MS, once', async () => {
    const { order, created } = await placed();
    const intent = {
      id: mailIdOf(order.id, 'placed'),
      orderId: order.id,
      kind: 'placed' as const,
      eventId: created.id,
      details: {},
      state: 'pending' as const,
      attempts: 1,
      recordedAt: sut.deps.clock().toISOString(),
      nextAttemptAt: new Date(sut.deps.clock().getTime() + 60_000).toISOString(),
      sentAt: null,
      messageId: null,
      lastError: null,
    };
    await sut.store.ledger.record(intent); // the crash: recorded, never sent
    expect(await notifyCustomer(sut.deps, created)).toBe('duplicate'); // the redelivered event does not send it either
    sut.advance(60_000);
    expect(await resendDueMails(sut.deps, 10)).toEqual({ due: 1, attempted: 1, sent: 1 });
    await sink.waitForMails(1, mailsTo(order.customer.email));
    expect(sink.mails.filter(mailsTo(order.customer.email))).toHaveLength(1);
  });
});
