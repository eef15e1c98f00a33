import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import { DependencyUnavailableError } from '@orderpulse/service-kit';
import { deleteAmqpNamespace, freePort, isPortOpen, testNamespace } from '@orderpulse/service-kit/testing';
import { startNotifier } from '../src/service.js';
import { startAedes, type InProcessBroker } from './helpers/aedes-broker.js';
import { captureLogger } from './helpers/capture-logger.js';
import { testNotifierSettings } from './helpers/notifier-settings.js';

const amqpUrl = process.env.AMQP_URL as string;

describe('when a dependency is not reachable at start-up', () => {
  const namespace = testNamespace('notifier-start');
  let broker: InProcessBroker;
  beforeAll(async () => {
    broker = await startAedes();
  });
  afterAll(async () => {
    await broker.close();
    await deleteAmqpNamespace(amqpUrl, namespace, ['notifier']);
  });

  it('then a missing MQTT broker fails start-up with one line naming MQTT_URL, and the health port is not left open', async () => {
    const nothing = `mqtt://127.0.0.1:${await freePort()}`;
    const httpPort = await freePort();
    const starting = startNotifier(
      testNotifierSettings({ AMQP_NAMESPACE: namespace, MQTT_URL: nothing, NOTIFIER_PORT: httpPort }),
      captureLogger('silent').logger,
    );
    await expect(starting).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(starting).rejects.toThrow(
      `MQTT broker is not reachable at ${nothing}: start it (\`node broker/dist/main.js\`) or point MQTT_URL at a running broker`,
    );
    expect(await isPortOpen('127.0.0.1', httpPort)).toBe(false);
  });

  it('then a broker that refuses the CONNECT fails start-up with one line pointing at the credentials', async () => {
    const strict = await startAedes(0, {
      authenticate: (_client, _username, _password, done) => done(Object.assign(new Error('no'), { returnCode: 5 }), false),
    });
    try {
      const starting = startNotifier(
        testNotifierSettings({ AMQP_NAMESPACE: namespace, MQTT_URL: strict.url, MQTT_USERNAME: 'notifier', MQTT_PASSWORD: 'wrong' }),
        captureLogger('silent').logger,
      );
      await expect(starting).rejects.toThrow(
        `MQTT broker at ${strict.url} refused the connection (Connection refused: Not authorized): check MQTT_USERNAME and MQTT_PASSWORD`,
      );
    } finally {
      await strict.close();
    }
  });

  it('then a missing RabbitMQ fails start-up with one line naming AMQP_URL', async () => {
    const settings = testNotifierSettings({
      AMQP_NAMESPACE: namespace,
      AMQP_URL: `amqp://guest:guest@127.0.0.1:${await freePort()}`,
      MQTT_URL: broker.url,
      CONNECT_TIMEOUT_MS: 500,
    });
    const starting = startNotifier(settings, captureLogger('silent').logger);
    await expect(starting).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(starting).rejects.toThrow(/RabbitMQ is not reachable at .*AMQP_URL/);
  });
});
