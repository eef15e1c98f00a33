import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import { connect as connectTcp } from 'node:net';
import * as mqttPacket from 'mqtt-packet';
import { WebSocket } from 'ws';
import { waitFor } from '@orderpulse/service-kit/testing';
import { encodePublish, encodePuback } from '../src/transports/fast-publish.js';
import { captureLogger } from './helpers/capture-logger.js';
import { credentialsOf } from './helpers/personas.js';
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

  describe('PINGRESP', () => {
    let broker: TestBroker;
    beforeAll(async () => {
      broker = await startTestBroker(captureLogger('warn').logger);
    });
    afterAll(async () => broker.close());

    const connectPacket = async (clientId: string) => {
      const { username, password } = await credentialsOf('admin');
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
