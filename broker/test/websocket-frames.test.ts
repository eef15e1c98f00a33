import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import * as mqttPacket from 'mqtt-packet';
import { WebSocket } from 'ws';
import { waitFor } from '@orderpulse/service-kit/testing';
import { captureLogger } from './helpers/capture-logger.js';
import { connectAs, endAll } from './helpers/mqtt-clients.js';
import { credentialsOf } from './helpers/personas.js';
import { startTestBroker, type TestBroker } from './helpers/start-broker.js';

/** Decodes a buffer that must hold whole packets only. */
function packetsIn(frame: Buffer): mqttPacket.Packet[] {
  const packets: mqttPacket.Packet[] = [];
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  parser.on('packet', (p: mqttPacket.Packet) => packets.push(p));
  const leftover = parser.parse(frame);
  if (leftover !== 0) throw new Error(`frame ends inside a packet (${leftover} bytes left over)`);
  return packets;
}

describe('MQTT over WebSocket framing', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker(captureLogger('warn').logger);
  });
  afterAll(async () => broker.close());

  it('when the broker delivers a PUBLISH, then the whole packet travels in one WebSocket frame', async () => {
    const frames: Buffer[] = [];
    const ws = new WebSocket(broker.wsUrl, 'mqtt');
    ws.on('message', (data: Buffer) => frames.push(data));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const { username, password } = await credentialsOf('admin');
    ws.send(
      mqttPacket.generate({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        keepalive: 0,
        clientId: 'raw-ws',
        username,
        password: Buffer.from(password!),
      }),
    );
    ws.send(mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'orders/frames/status', qos: 1 }] }));
    await waitFor(() => frames.length >= 2, 'CONNACK and SUBACK');

    const publisher = await connectAs(broker.tcpUrl, 'notifier', { clientId: 'frames-pub' });
    await publisher.client.publishAsync('orders/frames/status', '{"status":"shipped"}', { qos: 1 });
    await waitFor(() => frames.length >= 3, 'the PUBLISH frame');
    await endAll([publisher]);
    ws.close();

    expect(frames.map((f) => packetsIn(f).map((p) => p.cmd))).toEqual([['connack'], ['suback'], ['publish']]);
    const publish = packetsIn(frames[2]!)[0] as mqttPacket.IPublishPacket;
    expect(publish.payload.toString()).toBe('{"status":"shipped"}');
  });

  it('when a plain HTTP request reaches the WebSocket port, then it is told to upgrade', async () => {
    const res = await fetch(`http://127.0.0.1:${broker.wsPort}/mqtt`);
    expect(res.status).toBe(426);
  });
});
