import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { Aedes } from 'aedes';
import { connect } from 'mqtt';
import { hopReceiptSchema, topics } from '@orderpulse/contracts';
import { waitFor } from '@orderpulse/service-kit/testing';
import { captureLogger } from './helpers/capture-logger.js';
import { connectAs, endAll, type RecordingClient } from './helpers/mqtt-clients.js';
import { IDS } from './helpers/personas.js';
import { startTestBroker, type TestBroker } from './helpers/start-broker.js';
import { directDelivery } from '../src/delivery/direct-delivery.js';
import { heldReceiptsFor, holdReceipt, writeHeld } from '../src/delivery/held-receipts.js';
import { installFastPublish } from '../src/transports/fast-publish.js';
import { subscriberThatStopsReading } from './helpers/packet-client.js';
import { serveAedesOverTcp } from './helpers/plain-aedes-server.js';

/** Socket reads of a connected mqtt.js client (each 'data' chunk its stream gave). */
function countReads(recording: RecordingClient): () => number {
  let reads = 0;
  recording.client.stream.on('data', () => (reads += 1));
  return () => reads;
}

/** Receipts (admin/receipts/…, QoS 0) to one client leave together within a moment; its other messages keep their order. */
describe('hop receipts held to leave together', () => {
  let broker: TestBroker;
  let notifier: RecordingClient;
  let deliveryService: RecordingClient;
  let rider: RecordingClient;
  const receiptsOf = (client: RecordingClient) => client.messages.filter((m) => m.topic.startsWith('admin/receipts/'));

  beforeAll(async () => {
    broker = await startTestBroker(captureLogger('warn').logger);
    notifier = await connectAs(broker.tcpUrl, 'notifier', { clientId: 'notifier-held' });
    deliveryService = await connectAs(broker.tcpUrl, 'deliveryService', { clientId: 'delivery-held' });
    await deliveryService.client.subscribeAsync({ 'admin/receipts/+': { qos: 0 }, [topics.riderLocation(IDS.riderX)]: { qos: 1 } });
    rider = await connectAs(broker.tcpUrl, 'riderX', { clientId: 'rider-held' });
  });
  afterAll(async () => {
    await endAll([notifier, deliveryService, rider]);
    await broker.close();
  });

  it('when receipts come one publish after another, then they reach their reader in fewer reads than receipts, all of them', async () => {
    const reads = countReads(deliveryService);
    const before = receiptsOf(deliveryService).length;
    const orders = Array.from({ length: 5 }, () => randomUUID());
    // One at a time, each awaiting its PUBACK: without holding, each publish's receipts would be a write of their own.
    for (const orderId of orders) await notifier.client.publishAsync(topics.orderStatus(orderId), JSON.stringify({ orderId, version: 1 }), { qos: 1 });
    await waitFor(() => receiptsOf(deliveryService).length >= before + 10, 'a published and a nobody-watching receipt per order');
    const got = receiptsOf(deliveryService)
      .slice(before)
      .map((m) => hopReceiptSchema.parse(JSON.parse(m.payload)));
    expect(got.map((r) => [r.orderId, r.hop])).toEqual(
      orders.flatMap((orderId) => [
        [orderId, 'published'],
        [orderId, 'device'],
      ]),
    );
    expect(reads()).toBeLessThanOrEqual(3);
  });

  it('when another message follows receipts to the same client, then the receipts are written first, in order', async () => {
    const before = deliveryService.messages.length;
    const orderId = randomUUID();
    await notifier.client.publishAsync(topics.orderStatus(orderId), JSON.stringify({ orderId, version: 3 }), { qos: 1 });
    await rider.client.publishAsync(topics.riderLocation(IDS.riderX), JSON.stringify({ lat: 51.5, lng: -0.1 }), { qos: 1 });
    await waitFor(() => deliveryService.messages.some((m) => m.topic === topics.riderLocation(IDS.riderX)), "the rider's location");
    expect(deliveryService.messages.slice(before).map((m) => m.topic)).toEqual([
      topics.adminReceipts(orderId),
      topics.adminReceipts(orderId),
      topics.riderLocation(IDS.riderX),
    ]);
  });
});

describe('hop receipts held for one client: the bound', () => {
  it('when a client has 64 KiB of receipts waiting, then they are written at once, not held for the rest of the 50 ms', () => {
    const writes: Buffer[] = [];
    const conn = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        writes.push(chunk);
        callback();
      },
    });
    const receipt = Buffer.alloc(250, 0x61);
    for (let i = 0; i < 262; i += 1) holdReceipt(conn, receipt); // 65,500 bytes: just under the bound
    expect(writes).toHaveLength(0);
    expect(heldReceiptsFor(conn)).toBe(262);
    holdReceipt(conn, receipt);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.length).toBe(263 * 250);
    expect(heldReceiptsFor(conn)).toBe(0);
    writeHeld(conn); // nothing left to write
    expect(writes).toHaveLength(1);
  });
});

/** On aedes itself over real TCP: a reader that stops reading is not sent receipts without end. */
describe('hop receipts held for a client that stops reading', () => {
  it('when its socket fills, then its receipts wait for drain as any delivery does, the drain timeout drops it, and another reader gets them all', async () => {
    installFastPublish();
    // Not shorter: broker and readers share this process, and when the process itself stalls (a
    // busy CI machine) past the drain timeout, the timeout's timer runs before the I/O that would
    // have drained the healthy reader's socket, and aedes drops that reader too. With 300 ms, 500 ms
    // stalls (SIGSTOP/SIGCONT of the test process) dropped it in one run of three: the CI failure.
    const aedes = await Aedes.createBroker({ preConnect: directDelivery(), drainTimeout: 2_000 });
    const disconnected = new Set<string>();
    aedes.on('clientDisconnect', (client) => disconnected.add(client.id));
    const served = await serveAedesOverTcp(aedes);
    let stuck: Socket | undefined;
    const healthy = connect(served.url, { clientId: 'receipts-healthy', reconnectPeriod: 0 });
    const publisher = connect(served.url, { clientId: 'receipts-publisher', reconnectPeriod: 0 });
    const connected = Promise.all([once(healthy, 'connect'), once(publisher, 'connect')]);
    try {
      stuck = await subscriberThatStopsReading(served.url, 'receipts-stuck', 'admin/receipts/+');
      let got = 0;
      healthy.on('message', () => (got += 1));
      await connected;
      await healthy.subscribeAsync('admin/receipts/+', { qos: 0 });
      const payload = Buffer.alloc(64 * 1024, 1).toString();
      const count = 200; // 12.8 MB: far past what the two socket buffers hold
      for (let i = 0; i < count; i++) publisher.publish(`admin/receipts/${i}`, payload, { qos: 0 });
      // Without the fallback the held receipts would go on into the stuck socket's buffer, and nothing would drop it.
      await waitFor(() => disconnected.has('receipts-stuck'), 'the stuck reader to be dropped', 10_000);
      try {
        await waitFor(() => got >= count, `all ${count} receipts at the healthy reader`, 15_000);
      } catch (err) {
        // Say how far it got and whom aedes dropped (the healthy reader, when the process stalled past the drain timeout).
        const state = `${got} arrived; healthy reader ${healthy.connected ? 'connected' : 'disconnected'}; dropped: ${[...disconnected].join(', ')}`;
        throw new Error(`${(err as Error).message} (${state})`, { cause: err });
      }
      expect(got).toBe(count);
    } finally {
      stuck?.destroy();
      await Promise.all([healthy.endAsync(true), publisher.endAsync(true)]);
      await served.close();
    }
  });
});
