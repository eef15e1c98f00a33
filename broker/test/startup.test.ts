import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import { freePort, isPortOpen } from '@orderpulse/service-kit/testing';
import { createBroker } from '../src/create-broker.js';
import { captureLogger } from './helpers/capture-logger.js';
import { testBrokerSettings } from './helpers/start-broker.js';

describe('when a port the broker needs is taken', () => {
  let holder: Server;
  let taken: number;
  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    taken = (holder.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())));

  it('then createBroker rejects with EADDRINUSE and closes what it had already opened', async () => {
    const httpPort = await freePort();
    const tcpPort = await freePort();
    const settings = testBrokerSettings({ BROKER_HTTP_PORT: httpPort, MQTT_PORT: tcpPort, MQTT_WS_PORT: taken });
    await expect(createBroker(settings, captureLogger('silent').logger)).rejects.toMatchObject({ code: 'EADDRINUSE', port: taken });
    expect(await isPortOpen('127.0.0.1', httpPort)).toBe(false);
    expect(await isPortOpen('127.0.0.1', tcpPort)).toBe(false);
  });
});
