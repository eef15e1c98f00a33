import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteAmqpNamespace, nextEvent, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '@orderpulse/service-kit/testing/smtp-sink';
import type { MailEvent } from '../src/messaging/mail-event-schema.js';
import type { RunningMailService } from '../src/service.js';
import { aDeliveryOf, anOrder, deliveryEvent, orderCreated, orderStatusChanged } from './support/factories.js';
import { amqpUrl, MAIL_QUEUES, rawEventPublisher, startServiceUnderTest, type RawEventPublisher } from './support/service-under-test.js';

/** The service as it runs: RabbitMQ, the journal store, its HTTP and metrics ports, mailing a real SMTP server. */
describe('mail-service (queue mail-service, a real SMTP server, the journal store)', () => {
  const namespace = testNamespace('mail');
  const dataDir = mkdtempSync(join(tmpdir(), 'mail-service-'));
  let sink: SmtpSink;
  let service: RunningMailService;
  let events: RawEventPublisher;
  const env = { DATA_DIR: dataDir, MONGO_URL: '', SMTP_TIMEOUT_MS: '1000', RESEND_AFTER_MS: '3100', RESEND_SWEEP_MS: '200' };

  beforeAll(async () => {
    sink = await startSmtpSink();
    service = await startServiceUnderTest(namespace, sink.url, { env, overrides: { unknownOrderAttempts: 2 } });
    events = await rawEventPublisher(amqpUrl(), namespace);
  });
  afterAll(async () => {
    await events?.close();
    await service?.close();
    await sink?.close();
    await deleteAmqpNamespace(amqpUrl(), namespace, MAIL_QUEUES);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const exchangeOf = (type: string) => (type.startsWith('order.') ? 'orders' : 'delivery');
  /** Publishes the event and waits until the service acked it (mail sent or not). */
  async function deliver(event: { id: string; type: string; data?: unknown }): Promise<void> {
    const acked = nextEvent<[MailEvent]>(service.consumer, 'acked', 10_000, (e) => e.id === event.id);
    await events.publish(exchangeOf(event.type), event.type, event);
    await acked;
  }
  const mailsTo = (address: string) => sink.mails.filter((mail: ReceivedMail) => mail.recipients.includes(address));

  it('when an order is placed and goes out for delivery, each event published twice, then the customer gets exactly two mails', async () => {
    const order = anOrder();
    const created = orderCreated(order);
    const out = orderStatusChanged(order, 'out_for_delivery');
    for (const event of [created, created, out, out]) await deliver(event);

    const mails = await sink.waitForMails(2, (m) => m.recipients.includes(order.customer.email));
    expect(mails.map((m) => m.subject)).toEqual([`We have your order ${order.orderNumber}`, `Order ${order.orderNumber} is out for delivery`]);
    expect(mails[0]!.text).toMatch(new RegExp(`/track/${order.id}\\?t=`));
    expect(mails[0]!.html).toContain('<a href=');
    expect(mailsTo(order.customer.email)).toHaveLength(2);
  });

  it('when delivery.arriving and delivery.late are published with the delivery snapshot, then each sends its mail once', async () => {
    const order = anOrder();
    await deliver(orderCreated(order));
    const delivery = aDeliveryOf(order, { rider: { id: 'rider-1', name: 'Rosa' } });
    const late = deliveryEvent('delivery.late', delivery);
    const arriving = deliveryEvent('delivery.arriving', delivery, delivery.version + 1);
    for (const event of [late, arriving, late, arriving]) await deliver(event);

    const mails = await sink.waitForMails(3, (m) => m.recipients.includes(order.customer.email));
    expect(mails.map((m) => m.subject)).toEqual([
      `We have your order ${order.orderNumber}`,
      `Order ${order.orderNumber} is running late`,
      `Your order ${order.orderNumber} is almost there`,
    ]);
    expect(mails[2]!.text).toContain('Rosa is close to your address');
    expect(mailsTo(order.customer.email)).toHaveLength(3);
  });

  it('when a message is not JSON or a malformed order.created, then it goes to mail-service.dlq and the next good event is still mailed', async () => {
    const before = await events.deadLetterCount();
    const notJson = nextEvent<[string, string]>(service.consumer, 'dead-lettered', 10_000, (_r, raw) => raw.includes('not json'));
    await events.publish('orders', 'order.created', '{"not json');
    expect((await notJson)[0]).toMatch(/not JSON/);

    const bad = orderCreated(anOrder({ customer: { name: 'Eve', email: 'not-an-address' } }));
    const refused = nextEvent<[string, string]>(service.consumer, 'dead-lettered', 10_000, (_r, raw) => raw.includes(bad.id));
    await events.publish('orders', 'order.created', bad);
    expect((await refused)[0]).toMatch(/data\.customer\.email/);
    await waitFor(async () => (await events.deadLetterCount()) === before + 2, 'both messages in mail-service.dlq');

    const order = anOrder();
    await deliver(orderCreated(order));
    await sink.waitForMails(1, (m) => m.recipients.includes(order.customer.email));
  });

  it('when events that send no mail are published (a type added later, another status), then they never reach the queue; one for an order never seen is acked without a mail', async () => {
    const order = anOrder();
    const sentBefore = sink.mails.length;
    const acked: string[] = [];
    const record = (e: MailEvent) => void acked.push(e.id);
    service.consumer.on('acked', record);
    const later = { ...deliveryEvent('delivery.proof_recorded', aDeliveryOf(order)), data: { photo: 'door.jpg' } };
    const confirmed = orderStatusChanged(order, 'confirmed');
    const out = orderStatusChanged(order, 'out_for_delivery');
    try {
      await events.publish('delivery', later.type, later);
      await events.publish('orders', confirmed.type, confirmed);
      // Published after the other two on the same confirmed channel: had they been routed here, they would be acked first.
      await deliver(out); // after 2 attempts (the override), acked
    } finally {
      service.consumer.off('acked', record);
    }
    expect(acked).toEqual([out.id]);
    expect(sink.mails.length).toBe(sentBefore);
    const metrics = await (await fetch(service.metricsUrl)).text();
    expect(metrics).toMatch(/mails_skipped_total\{kind="out_for_delivery",reason="unknown_order",service="mail-service"\} 1/);
  });

  it('when the customer follows the unsubscribe link and confirms, then no further mail about that order goes out', async () => {
    const order = anOrder();
    await deliver(orderCreated(order));
    const [placed] = await sink.waitForMails(1, (m) => m.recipients.includes(order.customer.email));
    const link = /No more emails about this order: (\S+)/.exec(placed!.text)![1]!;
    const token = new URL(link).searchParams.get('t')!;
    const local = `${service.url}/unsubscribe?t=${token}`;

    const page = await fetch(local, { headers: { Accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Stop these emails');
    expect((await service.store.recipients.find(order.id))?.unsubscribedAt).toBeNull(); // opening the link alone changes nothing

    const confirmed = await fetch(local, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain(`no more emails about order ${order.orderNumber}`);

    await deliver(orderStatusChanged(order, 'out_for_delivery'));
    await deliver(orderStatusChanged(order, 'delivered', 6));
    expect(mailsTo(order.customer.email)).toHaveLength(1);
  });

  it('when the SMTP server defers a mail and the service restarts, then the restarted service sends it from the journal, once', async () => {
    const order = anOrder();
    sink.deferNext(1);
    await deliver(orderCreated(order));
    expect(mailsTo(order.customer.email)).toHaveLength(0);
    await service.close();

    service = await startServiceUnderTest(namespace, sink.url, { env, overrides: { unknownOrderAttempts: 2 } });
    await sink.waitForMails(1, (m) => m.recipients.includes(order.customer.email), 15_000);
    await waitFor(async () => (await service.store.ledger.find(`${order.id}:placed`))?.state === 'sent', 'the mail marked sent');
    await deliver(orderCreated(order));
    expect(mailsTo(order.customer.email)).toHaveLength(1);
  }, 30_000);

  it('when Prometheus asks, then sent, failed and deduplicated mails are counted by kind on METRICS_PORT', async () => {
    const metrics = await (await fetch(service.metricsUrl)).text();
    expect(metrics).toMatch(/^mails_sent_total\{kind="placed",service="mail-service"\} \d+/m);
    expect(metrics).toMatch(/^# HELP mails_failed_total/m);
    expect(metrics).toMatch(/^# HELP mails_deduplicated_total/m);
    expect(metrics).toMatch(/^amqp_events_consumed_total\{queue="mail-service",outcome="acked"/m);
    expect((await fetch(`${service.url}/metrics`)).status).toBe(404);
    expect(await (await fetch(`${service.url}/readyz`)).json()).toEqual({ status: 'ready', checks: { amqp: true, store: true } });
  });
});
