import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import * as amqplib from 'amqplib';
import type { DeliverySnapshot } from '@orderpulse/contracts';
import { namespaced } from '@orderpulse/service-kit';
import { deleteAmqpNamespace, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '@orderpulse/service-kit/testing/smtp-sink';
import { describeIfAvailable } from '@orderpulse/service-kit/testing/suites';
import { BrowserSession, chromiumMissing, copyScreenshotToDocs, TrackPage, waitForText } from '../src/browser/index.js';
import { aNewOrder, DeliveryClient, shipNewOrder, TestTokens, startSystem, type RunningSystem } from '../src/harness/index.js';

const amqpUrl = process.env.AMQP_URL as string;
const QUEUES = ['notifier', 'delivery-service.orders', 'orders-service.delivery', 'mail-service'];

/**
 * Issue 18 point 1 through the real processes: orders-service, delivery-service, the notifier,
 * the broker, the web-client and mail-service, RabbitMQ between them, a real SMTP server the test
 * starts, and the links of the mails opened in headless Chromium.
 */
describeIfAvailable(
  'in the browser: when an order moves along, then the customer is mailed once per change and the link opens the live page',
  chromiumMissing(),
  () => {
    const namespace = testNamespace('mail');
    let sink: SmtpSink;
    let system: RunningSystem;
    let browser: BrowserSession;
    let adminToken: string;
    let amqp: amqplib.ChannelModel;
    let publishing: Promise<amqplib.ConfirmChannel>;
    let inspecting: Promise<amqplib.Channel>;

    beforeAll(async () => {
      sink = await startSmtpSink();
      system = await startSystem({ amqpUrl, namespace, ports: 'free', mail: { smtpUrl: sink.url } });
      adminToken = await new TestTokens(system.jwtSecret).admin();
      browser = await BrowserSession.start();
      amqp = await amqplib.connect(amqpUrl);
      publishing = amqp.createConfirmChannel();
      inspecting = amqp.createChannel();
    }, 90_000);
    afterAll(async () => {
      await amqp?.close();
      await browser?.close();
      await system?.stop();
      await sink?.close();
      await deleteAmqpNamespace(amqpUrl, namespace, QUEUES);
    });

    const mailsTo = (email: string) => (mail: ReceivedMail) => mail.recipients.includes(email);
    const linkIn = (mail: ReceivedMail, label: string) => new RegExp(`${label}: (\\S+)`).exec(mail.text)?.[1] ?? '';
    /** What delivery-service will publish for issue 18 points 2 and 5, published here as it will be: the delivery snapshot, on the delivery exchange. */
    async function publishDeliveryEvent(type: string, delivery: DeliverySnapshot): Promise<void> {
      const channel = await publishing;
      const event = { id: randomUUID(), type, orderId: delivery.orderId, version: delivery.version, occurredAt: new Date().toISOString(), data: delivery };
      channel.publish(namespaced(namespace, 'delivery'), type, Buffer.from(JSON.stringify(event)), {
        persistent: true,
        contentType: 'application/json',
        messageId: event.id,
      });
      await channel.waitForConfirms();
    }

    it('then the mail of each change arrives once, and the link in the first one opens the tracking page, which follows the order live', async () => {
      const email = `grace-${namespace}@example.com`;
      const { order, deliveryId } = await shipNewOrder(system.urls, adminToken, aNewOrder({ customer: { name: 'Grace Hopper', email } }));
      const [placed] = await sink.waitForMails(1, mailsTo(email), 20_000);
      expect(placed!.subject).toBe(`We have your order ${order.orderNumber}`);
      expect(placed!.html).toContain('Track your order');
      const trackingLink = linkIn(placed!, 'Track your order');
      expect(trackingLink.startsWith(`${system.urls.web}/track/${order.id}?t=`)).toBe(true);

      const customer = await browser.open(trackingLink, { phone: true });
      const track = new TrackPage(customer.page);
      await track.waitForStatus('Shipped');
      await track.waitForConnection('live');

      const deliveries = new DeliveryClient(system.urls.delivery, adminToken);
      const rider = await deliveries.createRider({ name: 'Rosa Parks' });
      expect((await deliveries.assign(deliveryId, rider.body.id)).status).toBe(200);
      expect((await deliveries.changeStatus(deliveryId, { status: 'picked_up' })).status).toBe(200);
      await track.waitForStatus('Out for delivery');
      const [, outForDelivery] = await sink.waitForMails(2, mailsTo(email), 20_000);
      expect(outForDelivery!.subject).toBe(`Order ${order.orderNumber} is out for delivery`);
      expect(outForDelivery!.text).toContain('is on its way to you');

      // Each published twice, as a redelivery would: one mail each.
      const onTheRoad = (await deliveries.getDelivery(deliveryId)).body;
      for (const type of ['delivery.late', 'delivery.late']) await publishDeliveryEvent(type, onTheRoad);
      const late = (await sink.waitForMails(3, mailsTo(email), 20_000))[2]!;
      expect(late.subject).toBe(`Order ${order.orderNumber} is running late`);
      for (const type of ['delivery.arriving', 'delivery.arriving']) await publishDeliveryEvent(type, onTheRoad);
      const arriving = (await sink.waitForMails(4, mailsTo(email), 20_000))[3]!;
      expect(arriving.subject).toBe(`Your order ${order.orderNumber} is almost there`);
      expect(arriving.text).toContain('Rosa Parks is close to your address');

      expect((await deliveries.changeStatus(deliveryId, { status: 'delivered' })).status).toBe(200);
      await track.waitForStatus('Delivered');
      const mails = await sink.waitForMails(5, mailsTo(email), 20_000);
      expect(mails[4]!.subject).toBe(`Order ${order.orderNumber} has been delivered`);

      // Every event of the order has been handled once the queue is empty; no mail came twice.
      await waitFor(
        async () => (await (await inspecting).checkQueue(namespaced(namespace, 'mail-service'))).messageCount === 0,
        'the mail-service queue to drain',
      );
      const metrics = await (await fetch(system.urls.metrics.mail)).text();
      expect(metrics).toMatch(/^mails_deduplicated_total\{kind="arriving",reason="duplicate",service="mail-service"\} 1$/m);
      expect(metrics).toMatch(/^mails_deduplicated_total\{kind="late",reason="duplicate",service="mail-service"\} 1$/m);
      expect(sink.mails.filter(mailsTo(email)).map((m) => m.subject)).toEqual([
        `We have your order ${order.orderNumber}`,
        `Order ${order.orderNumber} is out for delivery`,
        `Order ${order.orderNumber} is running late`,
        `Your order ${order.orderNumber} is almost there`,
        `Order ${order.orderNumber} has been delivered`,
      ]);

      // The HTML part as a mail client shows it (the README's screenshot).
      const rendered = await browser.open(undefined, { phone: true });
      await rendered.page.setViewportSize({ width: 390, height: 400 });
      await rendered.page.setContent(outForDelivery!.html);
      copyScreenshotToDocs(await browser.screenshot(rendered.page, 'mail-out-for-delivery'), 'mail-out-for-delivery');
      expect(customer.errors).toEqual([]);
    }, 90_000);

    it('then a failed delivery is mailed with its reason, and after the customer unsubscribes in the browser nothing more is sent', async () => {
      const email = `ada-${namespace}@example.com`;
      const { order, deliveryId } = await shipNewOrder(system.urls, adminToken, aNewOrder({ customer: { name: 'Ada Lovelace', email } }));
      const [placed] = await sink.waitForMails(1, mailsTo(email), 20_000);

      const page = await browser.open(linkIn(placed!, 'No more emails about this order'), { phone: true });
      await waitForText(page.page.locator('h1'), `Stop emails about order ${order.orderNumber}?`);
      await page.page.getByRole('button', { name: 'Stop these emails' }).click();
      await waitForText(page.page.locator('h1'), 'You are unsubscribed');

      const deliveries = new DeliveryClient(system.urls.delivery, adminToken);
      expect((await deliveries.changeStatus(deliveryId, { status: 'failed', reason: 'gate locked' })).status).toBe(200);
      const other = await shipNewOrder(system.urls, adminToken, aNewOrder({ customer: { name: 'Ada Lovelace', email: `other-${email}` } }));
      expect((await deliveries.changeStatus(other.deliveryId, { status: 'failed', reason: 'gate locked' })).status).toBe(200);
      const [, failed] = await sink.waitForMails(2, mailsTo(`other-${email}`), 20_000);
      expect(failed!.subject).toBe(`We could not deliver order ${other.order.orderNumber}`);
      expect(failed!.text).toContain('(gate locked)');

      await waitFor(
        async () => /mails_skipped_total\{kind="failed",reason="unsubscribed"[^}]*\} 1/.test(await (await fetch(system.urls.metrics.mail)).text()),
        'the unsubscribed mail to be skipped',
      );
      expect(sink.mails.filter(mailsTo(email))).toHaveLength(1);
      expect(page.errors).toEqual([]);
    }, 90_000);
  },
);
