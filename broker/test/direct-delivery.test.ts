import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { Aedes } from 'aedes';
import { connect, type MqttClient } from 'mqtt';
import { waitFor } from '@orderpulse/service-kit/testing';
import { DIRECT_DELIVERY, directDelivery, type DeliveredPacket } from '../src/delivery/direct-delivery.js';
import { installFastPublish } from '../src/transports/fast-publish.js';
import { serveAedesOverTcp, type PlainAedesServer } from './helpers/plain-aedes-server.js';
import { subscriberThatStopsReading } from './helpers/packet-client.js';

/**
 * delivery/direct-delivery.ts replaces aedes' per-client delivery closures. Run against aedes
 * itself (no auth hooks but a forward filter), over real TCP, with mqtt.js and raw packets.
 */
describe('direct delivery (aedes deliver0 / deliverQoS replaced)', () => {
  let aedes: Aedes;
  let served: PlainAedesServer;
  let url: string;
  const clients: MqttClient[] = [];
  const sockets: Socket[] = [];
  const aedesClients = new Map<string, object>();
  const disconnected = new Set<string>();

  beforeAll(async () => {
    installFastPublish();
    aedes = await Aedes.createBroker({
      preConnect: directDelivery(),
      // Longer than a busy machine stalls this process: past it, the timeout's timer runs before the
      // I/O that would drain a healthy reader, which is then dropped too (see held-receipts.test.ts).
      drainTimeout: 2_000,
      // Messages on */secret are never forwarded, to show the forward hook still decides.
      authorizeForward: (_client, packet) => (packet.topic.endsWith('/secret') ? null : packet),
    });
    aedes.on('client', (client) => aedesClients.set(client.id, client));
    aedes.on('clientDisconnect', (client) => disconnected.add(client.id));
    served = await serveAedesOverTcp(aedes);
    url = served.url;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
    for (const socket of sockets.splice(0)) socket.destroy();
  });
  afterAll(async () => {
    await served.close();
  });

  const client = async (clientId: string, options: { clean?: boolean } = {}): Promise<MqttClient> => {
    const c = connect(url, { clientId, reconnectPeriod: 0, clean: options.clean ?? true });
    clients.push(c);
    await once(c, 'connect');
    return c;
  };
  const messages = (c: MqttClient) => {
    const got: { topic: string; payload: string; qos: number; retain: boolean; messageId?: number }[] = [];
    c.on('message', (topic, payload, packet) =>
      got.push({ topic, payload: payload.toString(), qos: packet.qos, retain: packet.retain, messageId: packet.messageId }),
    );
    return got;
  };

  it('is installed on every connection', async () => {
    await client('installed');
    await waitFor(() => aedesClients.has('installed'), 'the client at the broker');
    expect((aedesClients.get('installed') as { [DIRECT_DELIVERY]?: true })[DIRECT_DELIVERY]).toBe(true);
  });

  it('delivers QoS 0 and QoS 1 each in the order published, downgrading to the subscription QoS, with fresh message ids', async () => {
    const atMostOnce = await client('sub-qos0');
    const atLeastOnce = await client('sub-qos1');
    const got0 = messages(atMostOnce);
    const got1 = messages(atLeastOnce);
    await atMostOnce.subscribeAsync('shop/+/status', { qos: 0 });
    await atLeastOnce.subscribeAsync('shop/+/status', { qos: 1 });
    const publisher = await client('pub');
    for (let i = 0; i < 200; i++) publisher.publish(`shop/${i % 7}/status`, `m${i}`, { qos: (i % 2) as 0 | 1 });
    await waitFor(() => got0.length === 200 && got1.length === 200, 'all 200 messages at both subscribers');

    // Order holds per QoS level (aedes, like MQTT, does not order QoS 0 against QoS 1 messages).
    const sent = (qos: number) => Array.from({ length: 100 }, (_, i) => `m${2 * i + qos}`);
    const published = (got: typeof got0, qos: number) => got.filter((m) => Number(m.payload.slice(1)) % 2 === qos).map((m) => m.payload);
    for (const got of [got0, got1]) for (const qos of [0, 1]) expect(published(got, qos)).toEqual(sent(qos));
    expect(new Set(got0.map((m) => m.qos))).toEqual(new Set([0]));
    for (const m of got1) expect(m.qos).toBe(Number(m.payload.slice(1)) % 2);
    const ids = got1.filter((m) => m.qos === 1).map((m) => m.messageId!);
    expect(new Set(ids).size).toBe(100);
    expect(ids.every((id) => id >= 1 && id <= 65_535)).toBe(true);
  });

  it('still lets authorizeForward refuse a message, and sends retained messages on subscribe with the retain flag', async () => {
    const publisher = await client('pub-retained');
    await publisher.publishAsync('shop/9/status', 'kept', { qos: 1, retain: true });
    await publisher.publishAsync('shop/9/secret', 'kept too', { qos: 1, retain: true });
    const late = await client('late');
    const got = messages(late);
    await late.subscribeAsync('shop/9/#', { qos: 1 });
    await publisher.publishAsync('shop/9/secret', 'live secret', { qos: 1 });
    await publisher.publishAsync('shop/9/status', 'live', { qos: 1 });
    await waitFor(() => got.length === 2, 'the retained and the live status');
    expect(got.map(({ topic, payload, retain }) => ({ topic, payload, retain }))).toEqual([
      { topic: 'shop/9/status', payload: 'kept', retain: true },
      { topic: 'shop/9/status', payload: 'live', retain: false },
    ]);
  });

  it('keeps aedes’ own path for a persistent session: what it missed is queued and sent when it is back', async () => {
    const first = await client('persistent', { clean: false });
    await first.subscribeAsync('shop/p/status', { qos: 1 });
    await first.endAsync(true);
    clients.splice(clients.indexOf(first), 1);
    const publisher = await client('pub-persistent');
    await publisher.publishAsync('shop/p/status', 'while away', { qos: 1 });
    const back = connect(url, { clientId: 'persistent', clean: false, reconnectPeriod: 0 });
    clients.push(back);
    const got = messages(back);
    await once(back, 'connect');
    await waitFor(() => got.length === 1, 'the queued message');
    expect(got[0]).toMatchObject({ payload: 'while away', qos: 1 });
  });

  it('drops a subscriber that stops reading (drain timeout) and keeps delivering to the others', async () => {
    sockets.push(await subscriberThatStopsReading(url, 'stuck', 'bulk/1'));
    const healthy = await client('healthy');
    const got = messages(healthy);
    await healthy.subscribeAsync('bulk/1', { qos: 0 });
    const publisher = await client('pub-bulk');
    const payload = Buffer.alloc(64 * 1024, 1).toString();
    const count = 200; // 12.8 MB: far past what the two socket buffers hold
    for (let i = 0; i < count; i++) publisher.publish('bulk/1', payload, { qos: 0 });
    await waitFor(() => disconnected.has('stuck'), 'the stuck subscriber to be dropped', 10_000);
    await waitFor(() => got.length === count, `all ${count} messages at the healthy subscriber`, 15_000);
    expect(got.length).toBe(count);
  });

  it('refuses to deliver a message mqtt-packet could not encode, as aedes did, without stopping other deliveries', async () => {
    const sub = await client('odd');
    const got = messages(sub);
    await sub.subscribeAsync('odd/+', { qos: 0 });
    const odd = aedesClients.get('odd') as { deliver0(packet: DeliveredPacket, done: () => void): void };
    const done = await new Promise<boolean>((resolve) => odd.deliver0({ topic: 'odd/x', payload: { not: 'bytes' }, qos: 0 }, () => resolve(true)));
    expect(done).toBe(true);
    await waitFor(() => sub.disconnected || !sub.connected, 'the client with the unencodable message to be dropped');
    const other = await client('other');
    const gotOther = messages(other);
    await other.subscribeAsync('odd/+', { qos: 0 });
    await (await client('pub-odd')).publishAsync('odd/y', 'fine', { qos: 0 });
    await waitFor(() => gotOther.length === 1, 'the next message at another client');
    expect(got).toEqual([]);
  });
});
