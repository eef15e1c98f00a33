import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DependencyUnavailableError } from '@orderpulse/service-kit';
import { deleteAmqpNamespace, freePort, isPortOpen, testNamespace } from '@orderpulse/service-kit/testing';
import { startAedes, type InProcessBroker } from './support/aedes-broker.js';
import { amqpUrl, DELIVERY_QUEUES, startServiceUnderTest } from './support/service-under-test.js';

describe('when a dependency is not there at start-up', () => {
  const namespace = testNamespace('delivery-start');
  let broker: InProcessBroker;
  beforeAll(async () => {
    broker = await startAedes();
  });
  afterAll(async () => {
    await broker.close();
    await deleteAmqpNamespace(amqpUrl(), namespace, DELIVERY_QUEUES);
  });

  it('then a missing MQTT broker fails with one line naming MQTT_URL, and the HTTP port is not left open', async () => {
    const nothing = `mqtt://127.0.0.1:${await freePort()}`;
    const httpPort = await freePort();
    const starting = startServiceUnderTest(namespace, { env: { MQTT_URL: nothing, DELIVERY_PORT: String(httpPort), CONNECT_TIMEOUT_MS: '1000' }, broker });
    await expect(starting).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(starting).rejects.toThrow(
      `MQTT broker is not reachable at ${nothing}: start it (\`node broker/dist/main.js\`) or point MQTT_URL at a running broker`,
    );
    expect(await isPortOpen('127.0.0.1', httpPort)).toBe(false);
  });

  it('then a broker that refuses the service token fails with one line pointing at JWT_SECRET', async () => {
    const strict = await startAedes({ authenticate: (_c, _u, _p, done) => done(Object.assign(new Error('no'), { returnCode: 5 }), false) });
    try {
      await expect(startServiceUnderTest(namespace, { broker: strict })).rejects.toThrow(
        `MQTT broker at ${strict.url} refused delivery-service (Connection refused: Not authorized): check that it shares JWT_SECRET with delivery-service`,
      );
    } finally {
      await strict.close();
    }
  });

  it('then a missing RabbitMQ fails with one line naming AMQP_URL', async () => {
    const env = { AMQP_URL: `amqp://guest:guest@127.0.0.1:${await freePort()}`, CONNECT_TIMEOUT_MS: '500' };
    const starting = startServiceUnderTest(namespace, { env, broker });
    await expect(starting).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(starting).rejects.toThrow(/RabbitMQ is not reachable at .*AMQP_URL/);
  });

  it('then a port in use fails with EADDRINUSE and everything opened is closed again', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      await expect(startServiceUnderTest(namespace, { env: { DELIVERY_PORT: String(port) }, broker })).rejects.toMatchObject({ code: 'EADDRINUSE', port });
    } finally {
      holder.close();
    }
  });
});
