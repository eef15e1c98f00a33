import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import { Redis } from 'ioredis';
import type { IPublishPacket } from 'mqtt-packet';
import { topics } from '@orderpulse/contracts';
import { deleteRedisNamespace, redisTarget, uniqueRedisNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { describeIfAvailable } from '@orderpulse/service-kit/testing/suites';
import { captureLogger, type CapturedLogger } from './helpers/capture-logger.js';
import { metricValue } from './helpers/metrics.js';
import { connectAs, endAll, type RecordingClient } from './helpers/mqtt-clients.js';
import type { PacketClient } from './helpers/packet-client.js';
import { IDS, type Persona } from './helpers/personas.js';
import { startTestBroker, type TestBroker } from './helpers/start-broker.js';
import { trackedClients } from './helpers/tracked-clients.js';

const EXPIRY_SECONDS = 2;
const redis = redisTarget();
const title = (store: string) => `offline persistent sessions expire after ${EXPIRY_SECONDS} s (${store} persistence)`;

/** The same expectations on the broker's memory persistence and on Redis. */
const sessionsExpire = (target: { store: 'memory' | 'redis'; url?: string }) => () => {
  let broker: TestBroker;
  let log: CapturedLogger;
  let notifier: RecordingClient;
  const namespace = uniqueRedisNamespace('session-expiry');
  const tracked = trackedClients(() => broker);
  const assignments = topics.riderAssignments(IDS.riderX);
  const riderStatus = `riders/${IDS.riderX}/deliveries/${IDS.delivery}/status`;

  /** A persistent-session (clean=false) raw client. */
  const session = async (persona: Persona, clientId: string) => {
    const { client, connack } = await tracked.connectRaw(persona, clientId, false);
    expect(connack.returnCode).toBe(0);
    return { client, sessionPresent: connack.sessionPresent };
  };
  const goOffline = async (client: PacketClient) => {
    client.close();
    await client.waitUntilClosed();
  };
  const redisKeys = async (url: string) => {
    const client = new Redis(url);
    try {
      return await client.keys(`${namespace}:*`);
    } finally {
      client.disconnect();
    }
  };
  const expiredLine = (clientId: string) => log.lines.find((l) => l.msg === 'persistent session expired' && String(l.clientId).endsWith(`:${clientId}`));

  beforeAll(async () => {
    log = captureLogger('info');
    broker = await startTestBroker(log.logger, {
      MQTT_SESSION_EXPIRY_SECONDS: EXPIRY_SECONDS,
      ...(target.url ? { REDIS_URL: target.url, REDIS_NAMESPACE: namespace } : {}),
    });
    notifier = await connectAs(broker.tcpUrl, 'notifier', { clientId: 'notifier' });
  });
  afterAll(async () => {
    await endAll([notifier]);
    await tracked.closeAll();
    await broker.close();
    if (target.url) await deleteRedisNamespace(target.url, namespace);
  });

  it('when a rider session stays away past the expiry, then its subscriptions and queued messages are wiped (event, metric, log); one back in time keeps its queue; a service session never expires', async () => {
    const phone = await session('riderX', 'phone');
    expect(await phone.client.subscribe(assignments)).toBe(1);
    const tablet = await session('riderX', 'tablet');
    expect(await tablet.client.subscribe(assignments)).toBe(1);
    const ingest = await session('deliveryService', 'ingest');
    expect(await ingest.client.subscribe('riders/+/deliveries/+/status')).toBe(1);
    await Promise.all([goOffline(phone.client), goOffline(tablet.client), goOffline(ingest.client)]);

    await notifier.client.publishAsync(assignments, '{"queued":true}', { qos: 1 });
    const reporter = await connectAs(broker.tcpUrl, 'riderX', { clientId: 'reporter' });
    await reporter.client.publishAsync(riderStatus, '{"status":"picked_up"}', { qos: 1 });
    await endAll([reporter]);

    // Back within the expiry: the session and its queue are intact.
    const tabletBack = await session('riderX', 'tablet');
    expect(tabletBack.sessionPresent).toBe(true);
    expect((await tabletBack.client.next<IPublishPacket>('publish')).payload.toString()).toBe('{"queued":true}');
    await goOffline(tabletBack.client);

    await waitFor(
      async () => (await metricValue(broker, 'mqtt_persistent_sessions_expired_total')) >= 1 && expiredLine('phone'),
      'the phone session to expire',
      10_000,
    );
    expect(expiredLine('phone')).toMatchObject({ level: 30, subject: 'rider:rider%3Arider-x' });
    expect(expiredLine('phone')!.offlineMs as number).toBeGreaterThanOrEqual(EXPIRY_SECONDS * 1_000 - 50);
    if (target.url) {
      // Nothing of it is left in Redis, while the service's session still is (so the check is not vacuous).
      const keys = await redisKeys(target.url);
      expect(keys.filter((key) => key.includes('phone'))).toEqual([]);
      expect(keys.some((key) => key.includes('ingest'))).toBe(true);
    }

    const phoneBack = await session('riderX', 'phone');
    expect(phoneBack.sessionPresent).toBe(false);
    expect(await phoneBack.client.subscribe(assignments)).toBe(1);
    await notifier.client.publishAsync(assignments, '{"marker":true}', { qos: 1 });
    await phoneBack.client.next('publish');
    // The message queued before the expiry would have come first, right after the CONNACK.
    expect(phoneBack.client.publishes().map((p) => p.payload.toString())).toEqual(['{"marker":true}']);

    const ingestBack = await session('deliveryService', 'ingest');
    expect(ingestBack.sessionPresent).toBe(true);
    expect((await ingestBack.client.next<IPublishPacket>('publish')).payload.toString()).toBe('{"status":"picked_up"}');
  }, 30_000);
};

describe(title('memory'), sessionsExpire({ store: 'memory' }));
describeIfAvailable(
  title('redis'),
  'skipReason' in redis ? redis.skipReason : undefined,
  sessionsExpire({ store: 'redis', url: 'url' in redis ? redis.url : '' }),
);
