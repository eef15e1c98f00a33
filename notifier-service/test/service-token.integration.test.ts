import { afterAll, afterEach, beforeAll, describe, it, expect } from '@jest/globals';
import { createTokenService, DependencyUnavailableError, DEV_JWT_SECRET } from '@orderpulse/service-kit';
import { deleteAmqpNamespace, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { startNotifier, type RunningNotifier } from '../src/service.js';
import { startAedes, type InProcessBroker } from './helpers/aedes-broker.js';
import { AmqpEvents } from './helpers/amqp-events.js';
import { captureLogger } from './helpers/capture-logger.js';
import { anOrderHistory } from './helpers/events.js';
import { recordingAuthenticator } from './helpers/recording-authenticator.js';
import { testNotifierSettings } from './helpers/notifier-settings.js';

const amqpUrl = process.env.AMQP_URL as string;
const SECRET = 'the-broker-and-services-share-this-0123456789';
const tokens = createTokenService(SECRET);

describe('when the MQTT broker refuses anonymous connections', () => {
  const namespace = testNamespace('notifier-token');
  /** Like ours soon will, the broker lets in a valid token or one operator login, nobody else. */
  const auth = recordingAuthenticator(async (username, password) =>
    username === 'ops'
      ? password === 'ops-password'
      : await tokens.verify(password ?? '').then(
          () => true,
          () => false,
        ),
  );
  let broker: InProcessBroker;
  let notifier: RunningNotifier | undefined;

  beforeAll(async () => {
    broker = await startAedes(0, { authenticate: auth.authenticate });
  });
  afterEach(async () => {
    await notifier?.close();
    notifier = undefined;
  });
  afterAll(async () => {
    await broker.close();
    await deleteAmqpNamespace(amqpUrl, namespace, ['notifier']);
  });

  it('then the notifier logs in as `service` with a 24-hour token signed with JWT_SECRET, and logs in again after the broker comes back', async () => {
    notifier = await startNotifier(
      testNotifierSettings({ AMQP_NAMESPACE: namespace, MQTT_URL: broker.url, JWT_SECRET: SECRET }),
      captureLogger('silent').logger,
    );
    const first = auth.logins.at(-1)!;
    expect(first).toMatchObject({ username: 'service', accepted: true });
    const claims = await tokens.verify(first.password!);
    expect(claims).toMatchObject({ role: 'service', sub: 'notifier' });
    expect(claims.exp - Date.now() / 1000).toBeGreaterThan(24 * 3600 - 60);

    const loginsBefore = auth.logins.length;
    const port = broker.port;
    await broker.close();
    await waitFor(() => !notifier!.publisher.isConnected(), 'the notifier to notice the broker is gone');
    broker = await startAedes(port, { authenticate: auth.authenticate });
    await waitFor(() => notifier!.publisher.isConnected(), 'the notifier to log in again');
    // The publisher and the rider-signal relay each log in again (the relay may still be on its way).
    const again = auth.logins.slice(loginsBefore);
    expect(again.length).toBeGreaterThanOrEqual(1);
    expect(again.map((l) => [l.username, l.accepted])).toEqual(again.map(() => ['service', true]));
    await expect(tokens.verify(again[0]!.password!)).resolves.toMatchObject({ role: 'service', sub: 'notifier' });

    // The re-authenticated session carries events: the ack waits for the broker's PUBACK.
    const amqp = await AmqpEvents.connect(amqpUrl, namespace);
    try {
      const [event] = anOrderHistory(1);
      const acked: string[] = [];
      notifier.consumer.on('acked', (e) => acked.push(e.id));
      await amqp.publish(event);
      await waitFor(() => acked.includes(event.id), 'the event to be acked');
    } finally {
      await amqp.close();
    }
  });

  it("then a notifier whose JWT_SECRET is not the broker's fails start-up with one line naming JWT_SECRET", async () => {
    const starting = startNotifier(
      testNotifierSettings({ AMQP_NAMESPACE: namespace, MQTT_URL: broker.url, JWT_SECRET: DEV_JWT_SECRET }),
      captureLogger('silent').logger,
    );
    await expect(starting).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(starting).rejects.toThrow(
      `MQTT broker at ${broker.url} refused the connection (Connection refused: Not authorized): check JWT_SECRET (it must be the broker's)`,
    );
  });

  it('then MQTT_USERNAME and MQTT_PASSWORD, when set, are presented instead of the service token', async () => {
    notifier = await startNotifier(
      testNotifierSettings({ AMQP_NAMESPACE: namespace, MQTT_URL: broker.url, MQTT_USERNAME: 'ops', MQTT_PASSWORD: 'ops-password' }),
      captureLogger('silent').logger,
    );
    expect(auth.logins.at(-1)).toMatchObject({ username: 'ops', password: 'ops-password', accepted: true });
  });
});
