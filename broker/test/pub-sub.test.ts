import { afterAll, afterEach, beforeAll, describe, it, expect } from '@jest/globals';
import { waitFor } from '@orderpulse/service-kit/testing';
import { captureLogger } from './helpers/capture-logger.js';
import { connectAs, endAll, type RecordingClient } from './helpers/mqtt-clients.js';
import type { Persona } from './helpers/personas.js';
import { startTestBroker, type TestBroker } from './helpers/start-broker.js';

type Transport = 'tcp' | 'websocket';
const urlOf = (broker: TestBroker, transport: Transport) => (transport === 'tcp' ? broker.tcpUrl : broker.wsUrl);

describe('publish/subscribe with real mqtt.js clients (notifier publishing, admin watching)', () => {
  let broker: TestBroker;
  const clients: RecordingClient[] = [];
  const connect = async (transport: Transport, persona: Persona, clientId: string) => {
    const client = await connectAs(urlOf(broker, transport), persona, { clientId });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    broker = await startTestBroker(captureLogger('warn').logger);
  });
  afterEach(async () => endAll(clients.splice(0)));
  afterAll(async () => broker.close());

  describe.each<Transport>(['tcp', 'websocket'])('over %s', (transport) => {
    it('when a client publishes at QoS 1, then the publisher gets its PUBACK and a subscriber receives it at QoS 1', async () => {
      const topic = `orders/${transport}-live/status`;
      const subscriber = await connect(transport, 'admin', `sub-${transport}`);
      await subscriber.client.subscribeAsync(topic, { qos: 1 });
      const publisher = await connect(transport, 'notifier', `pub-${transport}`);
      const acks: number[] = [];
      publisher.client.on('packetreceive', (packet) => packet.cmd === 'puback' && acks.push(packet.messageId ?? -1));
      const sent = await publisher.client.publishAsync(topic, '{"version":1}', { qos: 1 });
      expect(acks).toEqual([sent?.messageId]);
      const [message] = await waitFor(() => subscriber.messages.length > 0 && subscriber.messages, 'the message');
      expect(message).toEqual({ topic, payload: '{"version":1}', qos: 1, retain: false });
    });

    it('when a message was retained, then a subscriber that arrives later gets it at once, flagged retained', async () => {
      const topic = `orders/${transport}-retained/status`;
      const publisher = await connect(transport, 'notifier', `pub-r-${transport}`);
      await publisher.client.publishAsync(topic, 'first', { qos: 1, retain: true });
      await publisher.client.publishAsync(topic, 'latest', { qos: 1, retain: true });
      const late = await connect(transport, 'admin', `late-${transport}`);
      await late.client.subscribeAsync(topic, { qos: 1 });
      const messages = await waitFor(() => late.messages.length > 0 && late.messages, 'the retained message');
      expect(messages).toEqual([{ topic, payload: 'latest', qos: 1, retain: true }]);
    });
  });

  it('when a client publishes over TCP, then a WebSocket subscriber receives it (one broker, two transports)', async () => {
    const topic = 'admin/orders';
    const browser = await connect('websocket', 'admin', 'browser');
    await browser.client.subscribeAsync(topic, { qos: 1 });
    const service = await connect('tcp', 'notifier', 'service');
    for (let i = 1; i <= 20; i += 1) await service.client.publishAsync(topic, String(i), { qos: 1 });
    const received = await waitFor(() => browser.messages.length >= 20 && browser.messages, 'twenty messages');
    expect(received.map((m) => Number(m.payload))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});
