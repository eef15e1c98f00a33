import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import { connect as connectTcp } from 'node:net';
import * as mqttPacket from 'mqtt-packet';
import { WebSocket } from 'ws';
import { Writable } from 'node:stream';
import { waitFor } from '@orderpulse/service-kit/testing';
import { encodePublish, encodePuback, installFastPublish, markFastPublish } from '../src/transports/fast-publish.js';
import { captureLogger } from './helpers/capture-logger.js';
import { credentialsOf, IDS, type Persona } from './helpers/personas.js';
import { startTestBroker, type TestBroker } from './helpers/start-broker.js';

describe('packets the broker encodes itself (fast-publish.ts)', () => {
  it('encodes PUBLISH and PUBACK byte for byte as mqtt-packet does', () => {
    const cases: mqttPacket.IPublishPacket[] = [
      { cmd: 'publish', topic: 'orders/a/status', payload: Buffer.from('{"v":1}'), qos: 0, retain: false, dup: false },
      { cmd: 'publish', topic: 'orders/a/status', payload: Buffer.from('x'.repeat(300)), qos: 1, retain: true, dup: false, messageId: 513 },
      { cmd: 'publish', topic: 'admin/orders/ü', payload: Buffer.alloc(0), qos: 1, retain: false, dup: true, messageId: 65_535 },
      { cmd: 'publish', topic: 't', payload: Buffer.alloc(20_000, 7), qos: 2, retain: false, dup: false, messageId: 1 },
    ];
    for (const packet of cases) expect(encodePublish(packet)).toEqual(mqttPacket.generate(packet));
    expect(encodePuback({ cmd: 'puback', messageId: 258 })).toEqual(mqttPacket.generate({ cmd: 'puback', messageId: 258 }));
  });

  it('joins the PUBACKs written in one task, with whatever else was written meanwhile, into one writev, in order', async () => {
    installFastPublish();
    const calls: Buffer[][] = [];
    const socket = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        calls.push([chunk]);
        callback();
      },
      writev(chunks, callback) {
        calls.push(chunks.map(({ chunk }) => chunk as Buffer));
        callback();
      },
    });
    markFastPublish(socket, undefined, socket);
    // What aedes calls (its default import of mqtt-packet), as patched by installFastPublish.
    const { writeToStream } = ((mqttPacket as unknown as { default?: typeof mqttPacket }).default ?? mqttPacket) as typeof mqttPacket;
    for (let id = 1; id <= 5; id++) writeToStream({ cmd: 'puback', messageId: id }, socket);
    writeToStream({ cmd: 'pingresp' }, socket);
    expect(calls).toEqual([]); // held until the task is over
    await new Promise((resolve) => process.nextTick(resolve));
    expect(calls).toHaveLength(1);
    expect(calls[0]).toHaveLength(6); // one buffer per packet: the fast encodings, not mqtt-packet's chunks
    const expected = [...[1, 2, 3, 4, 5].map((messageId) => mqttPacket.generate({ cmd: 'puback', messageId })), mqttPacket.generate({ cmd: 'pingresp' })];
    expect(Buffer.concat(calls.splice(0)[0]!)).toEqual(Buffer.concat(expected));
    // The socket is uncorked: a later write that is not a PUBACK goes out at once.
    writeToStream({ cmd: 'pingresp' }, socket);
    expect(calls).toEqual([[mqttPacket.generate({ cmd: 'pingresp' })]]);
  });

  describe('PINGRESP', () => {
    let broker: TestBroker;
    beforeAll(async () => {
      broker = await startTestBroker(captureLogger('warn').logger);
    });
    afterAll(async () => broker.close());

    const connectPacket = async (clientId: string, persona: Persona = 'admin') => {
      const { username, password } = await credentialsOf(persona);
      return mqttPacket.generate({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        keepalive: 30,
        clientId,
        username,
        password: Buffer.from(password!),
      });
    };
    const PINGREQ = mqttPacket.generate({ cmd: 'pingreq' });
    const PINGRESP = mqttPacket.generate({ cmd: 'pingresp' });

    it('answers each PINGREQ over WebSocket with one frame holding exactly a PINGRESP', async () => {
      const frames: Buffer[] = [];
      const ws = new WebSocket(broker.wsUrl, 'mqtt');
      ws.on('message', (data: Buffer) => frames.push(data));
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      ws.send(await connectPacket('ping-ws'));
      await waitFor(() => frames.length >= 1, 'CONNACK');
      ws.send(PINGREQ);
      await waitFor(() => frames.length >= 2, 'the first PINGRESP');
      ws.send(PINGREQ);
      await waitFor(() => frames.length >= 3, 'the second PINGRESP');
      ws.close();
      expect(frames.slice(1)).toEqual([PINGRESP, PINGRESP]);
    });

    it("answers a publisher's QoS 1 messages of one read with their PUBACKs in order, over TCP and WebSocket", async () => {
      const connect = await connectPacket('puback-join', 'notifier');
      const ids = [11, 12, 13, 14, 15];
      const publishes = Buffer.concat(
        ids.map((messageId) =>
          mqttPacket.generate({
            cmd: 'publish',
            topic: `orders/${IDS.orderA}/status`,
            payload: Buffer.from('{}'),
            qos: 1,
            retain: false,
            dup: false,
            messageId,
          }),
        ),
      );
      const expected = Buffer.concat([...ids.map((messageId) => mqttPacket.generate({ cmd: 'puback', messageId })), PINGRESP]);

      const tcp = connectTcp(Number(new URL(broker.tcpUrl).port), '127.0.0.1');
      const overTcp: Buffer[] = [];
      tcp.on('data', (data: Buffer) => overTcp.push(data));
      await new Promise((resolve, reject) => tcp.once('connect', resolve).once('error', reject));
      tcp.write(connect);
      await waitFor(() => Buffer.concat(overTcp).length >= 4, 'CONNACK over TCP');
      tcp.write(Buffer.concat([publishes, PINGREQ]));
      await waitFor(() => Buffer.concat(overTcp).length >= 4 + expected.length, 'five PUBACKs and a PINGRESP over TCP');
      tcp.destroy();
      expect(Buffer.concat(overTcp).subarray(4)).toEqual(expected);

      const ws = new WebSocket(broker.wsUrl, 'mqtt');
      const overWs: Buffer[] = [];
      ws.on('message', (data: Buffer) => overWs.push(data));
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      ws.send(connect);
      await waitFor(() => overWs.length >= 1, 'CONNACK over WebSocket');
      ws.send(Buffer.concat([publishes, PINGREQ]));
      await waitFor(() => Buffer.concat(overWs).length >= 4 + expected.length, 'five PUBACKs and a PINGRESP over WebSocket');
      ws.close();
      expect(Buffer.concat(overWs).subarray(4)).toEqual(expected);
    });

    it('answers each PINGREQ over TCP with a PINGRESP', async () => {
      const socket = connectTcp(Number(new URL(broker.tcpUrl).port), '127.0.0.1');
      const received: Buffer[] = [];
      socket.on('data', (data: Buffer) => received.push(data));
      await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      socket.write(await connectPacket('ping-tcp'));
      await waitFor(() => Buffer.concat(received).length >= 4, 'CONNACK');
      socket.write(Buffer.concat([PINGREQ, PINGREQ]));
      await waitFor(() => Buffer.concat(received).length >= 8, 'two PINGRESPs');
      socket.destroy();
      expect(Buffer.concat(received).subarray(4)).toEqual(Buffer.concat([PINGRESP, PINGRESP]));
    });
  });
});
