import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Socket } from 'node:net';
import { captureLogger } from './helpers/capture-logger.js';
import { connectAs, endAll, type RecordingClient } from './helpers/mqtt-clients.js';
import { startTestBroker, type TestBroker } from './helpers/start-broker.js';

/**
 * transports/tcp.ts turns Nagle's algorithm off on every accepted socket. Its effect is a latency
 * (PUBACKs held for the peer's delayed ACK, 40 ms), measured by the end-to-end benchmark; here,
 * that the switch is set on the broker's side of a real connection.
 */
describe("MQTT over TCP: Nagle's algorithm off on the broker's sockets", () => {
  let broker: TestBroker;
  const clients: RecordingClient[] = [];
  beforeAll(async () => {
    broker = await startTestBroker(captureLogger('warn').logger);
  });
  afterAll(async () => {
    await endAll(clients.splice(0));
    await broker.close();
  });

  it('when a client connects, then its socket at the broker has noDelay set before any packet is handled', async () => {
    const noDelay = jest.spyOn(Socket.prototype, 'setNoDelay');
    try {
      const client = await connectAs(broker.tcpUrl, 'notifier', { clientId: 'no-delay' });
      clients.push(client);
      const atBroker = noDelay.mock.contexts.filter((socket, i) => socket.localPort === broker.tcpPort && noDelay.mock.calls[i]![0] === true);
      expect(atBroker).toHaveLength(1);
      expect(atBroker[0]!.remotePort).toBe((client.client.stream as unknown as Socket).localPort);
    } finally {
      noDelay.mockRestore();
    }
  });
});
