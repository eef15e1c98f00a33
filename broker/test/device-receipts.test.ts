import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import { hopReceiptSchema, ORDER_RECEIPT_MAX_BYTES, topics } from '@orderpulse/contracts';
import { waitFor } from '@orderpulse/service-kit/testing';
import { captureLogger } from './helpers/capture-logger.js';
import { connectAs, endAll, type RecordingClient } from './helpers/mqtt-clients.js';
import { IDS } from './helpers/personas.js';
import { startTestBroker, type TestBroker } from './helpers/start-broker.js';

const status = topics.orderStatus(IDS.orderA);
const statusMessage = (version: number) => JSON.stringify({ orderId: IDS.orderA, version, status: 'confirmed' });
const receiptTopic = topics.orderReceipt(IDS.orderA);
/** What the tracking page does once it applied a status message. */
const sendReceipt = (device: RecordingClient, version: number) =>
  device.client.publishAsync(receiptTopic, JSON.stringify({ topic: 'status', version }), { qos: 1 });

/** Issue 17 point 1, the broker's hop: real sockets, a notifier, customer devices sending receipts and an admin reading admin/receipts/+. */
describe('device receipts on admin/receipts/<orderId>', () => {
  let broker: TestBroker;
  let admin: RecordingClient;
  let notifier: RecordingClient;
  const allReceipts = () =>
    admin.messages.filter((m) => m.topic === topics.adminReceipts(IDS.orderA)).map((m) => hopReceiptSchema.parse(JSON.parse(m.payload)));
  const receipts = () => allReceipts().filter((r) => r.hop === 'device');
  const accepted = () => allReceipts().filter((r) => r.hop === 'published');

  beforeAll(async () => {
    broker = await startTestBroker(captureLogger('warn').logger);
    admin = await connectAs(broker.tcpUrl, 'admin', { clientId: 'admin-console' });
    await admin.client.subscribeAsync('admin/receipts/+', { qos: 1 });
    notifier = await connectAs(broker.tcpUrl, 'notifier', { clientId: 'notifier-1' });
  });
  afterAll(async () => {
    await endAll([admin, notifier]);
    await broker.close();
  });

  it('when nobody watches the order, then the broker says so once the notifier publishes, after its own receipt of the publish', async () => {
    const before = Date.now();
    await notifier.client.publishAsync(status, statusMessage(1), { qos: 1, retain: true });
    const after = Date.now();
    await waitFor(() => receipts().length === 1, 'the nobody-watching receipt');
    expect(receipts()[0]).toEqual({ hop: 'device', orderId: IDS.orderA, topic: status, version: 1, watching: false });
    expect(accepted()).toHaveLength(1);
    const own = accepted()[0]!;
    expect(own).toMatchObject({ hop: 'published', orderId: IDS.orderA, topic: status, version: 1 });
    // Accepted between the PUBLISH going out and its PUBACK coming back; the broker's own hop, not the notifier's.
    expect(own.hop === 'published' && Date.parse(own.pubackAt)).toBeGreaterThanOrEqual(before);
    expect(own.hop === 'published' && Date.parse(own.pubackAt)).toBeLessThanOrEqual(after);
    expect(allReceipts().map((r) => r.hop)).toEqual(['published', 'device']);
  });

  it('when the notifier publishes anything but a versioned status or tracking message, then no receipt is made', async () => {
    const onAnyOrder = () => admin.messages.filter((m) => m.topic.startsWith('admin/receipts/')).map((m) => hopReceiptSchema.parse(JSON.parse(m.payload)));
    const count = onAnyOrder().length;
    await notifier.client.publishAsync(topics.adminOrders(), JSON.stringify({ version: 9 }), { qos: 1 });
    await notifier.client.publishAsync(topics.orderStatus(IDS.orderB), 'no version here', { qos: 1, retain: true });
    // A marker after them (order B, version 1): its two receipts arrive after anything the two above could have made.
    await notifier.client.publishAsync(topics.orderStatus(IDS.orderB), JSON.stringify({ orderId: IDS.orderB, version: 1 }), { qos: 1, retain: true });
    await waitFor(() => onAnyOrder().length >= count + 2, "the marker's receipts");
    expect(
      onAnyOrder()
        .slice(count)
        .map((r) => [r.hop, r.orderId, r.version]),
    ).toEqual([
      ['published', IDS.orderB, 1],
      ['device', IDS.orderB, 1],
    ]);
  });

  it('when customers watch, then the broker publishes when the first device sent its receipt, once per version', async () => {
    const customer = await connectAs(broker.tcpUrl, 'customerA', { clientId: 'customer-phone' });
    const second = await connectAs(broker.tcpUrl, 'customerA', { clientId: 'customer-laptop' });
    await customer.client.subscribeAsync(status, { qos: 1 });
    await second.client.subscribeAsync(status, { qos: 1 });
    const before = Date.now();
    await notifier.client.publishAsync(status, statusMessage(2), { qos: 1, retain: true });
    await waitFor(() => customer.messages.some((m) => m.topic === status && JSON.parse(m.payload).version === 2), 'version 2 on the phone');
    // A receipt for a version never published, or malformed, changes nothing.
    await sendReceipt(customer, 7);
    await customer.client.publishAsync(receiptTopic, 'not json', { qos: 1 });
    await sendReceipt(customer, 2);
    await sendReceipt(second, 2);
    await waitFor(() => receipts().length === 2, 'the device receipt');
    const receipt = receipts()[1]!;
    expect(receipt).toMatchObject({ hop: 'device', orderId: IDS.orderA, topic: status, version: 2, watching: true });
    expect(receipt.hop === 'device' && Date.parse(receipt.deviceAckAt!)).toBeGreaterThanOrEqual(before);
    // A marker: version 3 gets its own receipt, and version 2 got exactly one.
    await notifier.client.publishAsync(status, statusMessage(3), { qos: 1, retain: true });
    await sendReceipt(second, 3);
    await waitFor(() => receipts().length === 3, 'the receipt of version 3');
    expect(receipts().map((r) => [r.version, r.hop === 'device' && r.watching])).toEqual([
      [1, false],
      [2, true],
      [3, true],
    ]);
    await endAll([customer, second]);
    await notifier.client.publishAsync(status, statusMessage(4), { qos: 1, retain: true });
    await waitFor(() => receipts().length === 4, 'the receipt of version 4');
    expect(receipts()[3]).toMatchObject({ version: 4, watching: false });
    expect(accepted().map((r) => r.version)).toEqual([1, 2, 3, 4]);
  });

  it('when a receipt is bigger than a topic and a version need, then the customer is disconnected', async () => {
    const customer = await connectAs(broker.tcpUrl, 'customerA', { clientId: 'customer-big' });
    const closed = new Promise((resolve) => customer.client.once('close', resolve));
    customer.client.publish(receiptTopic, JSON.stringify({ topic: 'status', version: 1, pad: 'x'.repeat(ORDER_RECEIPT_MAX_BYTES) }), { qos: 1 });
    await closed;
    await endAll([customer]);
  });
});
