import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, it, expect } from '@jest/globals';
import { topics } from '@orderpulse/contracts';
import { waitFor } from '@orderpulse/service-kit/testing';
import { captureLogger, type CapturedLogger } from './helpers/capture-logger.js';
import { metricValue, refusals } from './helpers/metrics.js';
import { endAll } from './helpers/mqtt-clients.js';
import { IDS, type Persona } from './helpers/personas.js';
import { startTestBroker, type TestBroker } from './helpers/start-broker.js';
import { trackedClients } from './helpers/tracked-clients.js';

describe('per-subject quotas (3 connections, 2 persistent sessions per customer or rider token)', () => {
  let broker: TestBroker;
  let log: CapturedLogger;
  const tracked = trackedClients(() => broker);
  const { connect } = tracked;
  /** A raw CONNECT; resolves with the CONNACK code (and the client). */
  const attempt = async (persona: Persona, clientId: string, clean = true) => {
    const { client, connack } = await tracked.connectRaw(persona, clientId, clean);
    return { client, returnCode: connack.returnCode, sessionPresent: connack.sessionPresent };
  };
  /** Opens a persistent session with one QoS 1 subscription, then goes offline. */
  const leaveSession = async (persona: Persona, clientId: string, topic: string) => {
    const { client, returnCode } = await attempt(persona, clientId, false);
    expect(returnCode).toBe(0);
    expect(await client.subscribe(topic)).toBe(1);
    client.close();
    await client.waitUntilClosed();
  };

  beforeAll(async () => {
    log = captureLogger('info');
    broker = await startTestBroker(log.logger, { MQTT_MAX_CONNECTIONS_PER_SUBJECT: 3, MQTT_MAX_PERSISTENT_SESSIONS_PER_SUBJECT: 2 });
  });
  afterEach(async () => {
    await tracked.closeAll();
    await waitFor(async () => (await metricValue(broker, 'mqtt_connected_clients')) === 0, 'every client to be gone');
  });
  afterAll(async () => broker.close());

  describe('concurrent connections', () => {
    it('when one customer token opens a 4th connection, then CONNACK 3 refuses it, counted and logged, while another customer still connects and is served', async () => {
      const before = await refusals(broker, 'connect_subject_limit');
      for (let i = 0; i < 3; i += 1) await connect('customerA', `tab-${i}`);
      const fourth = await attempt('customerA', 'tab-3');
      expect(fourth.returnCode).toBe(3);
      await fourth.client.waitUntilClosed();
      expect(await refusals(broker, 'connect_subject_limit')).toBe(before + 1);
      expect(log.lines).toContainEqual(
        expect.objectContaining({
          reason: 'connect_subject_limit',
          clientId: 'tab-3',
          role: 'customer',
          sub: `customer:${IDS.orderA}`,
          msg: 'connect refused: too many connections for this token',
        }),
      );

      const other = await connect('customerB', 'tab-0');
      const notifier = await connect('notifier', 'notifier');
      await other.client.subscribeAsync(topics.orderStatus(IDS.orderB), { qos: 1 });
      await notifier.client.publishAsync(topics.orderStatus(IDS.orderB), '{"status":"shipped"}', { qos: 1 });
      await waitFor(() => other.messages.length === 1, "customer B's update");
    });

    it('when a token at its limit reconnects with one of its client ids (a takeover), then it is let in and the old connection is closed', async () => {
      const first = await connect('customerA', 'tab-0');
      await connect('customerA', 'tab-1');
      await connect('customerA', 'tab-2');
      const closed = once(first.client.stream, 'close');
      const again = await attempt('customerA', 'tab-0');
      expect(again.returnCode).toBe(0);
      await closed;
    });

    it('when a connection of a token at its limit closes, then a new one is let in', async () => {
      const held = [await connect('riderX', 'a'), await connect('riderX', 'b'), await connect('riderX', 'c')];
      expect((await attempt('riderX', 'd')).returnCode).toBe(3);
      await endAll([held[0]]);
      await waitFor(async () => (await attempt('riderX', 'e')).returnCode === 0, 'room for a new connection', 5_000, 50);
    });

    it('when an admin or a service opens more connections, then no per-subject limit applies (consoles share a login, services scale out)', async () => {
      for (let i = 0; i < 5; i += 1) await connect('admin', `console-${i}`);
      for (let i = 0; i < 5; i += 1) await connect('notifier', `notifier-${i}`);
    });
  });

  describe('persistent sessions', () => {
    it('when one rider token holds 2 persistent sessions, then a 3rd clean=false CONNECT gets CONNACK 3, counted, while resuming one of the two still works', async () => {
      const topic = topics.riderLocation(IDS.riderX);
      const before = await refusals(broker, 'connect_session_limit');
      await leaveSession('riderX', 'phone', topic);
      await leaveSession('riderX', 'tablet', topic);
      expect(await metricValue(broker, 'mqtt_persistent_sessions')).toBeGreaterThanOrEqual(2);

      const third = await attempt('riderX', 'laptop', false);
      expect(third.returnCode).toBe(3);
      expect(await refusals(broker, 'connect_session_limit')).toBe(before + 1);

      const resumed = await attempt('riderX', 'phone', false);
      expect(resumed).toMatchObject({ returnCode: 0, sessionPresent: true });
      // A clean session is not a persistent one: it is let in.
      expect((await attempt('riderX', 'laptop', true)).returnCode).toBe(0);
    });

    it('when a clean CONNECT takes one of those ids, then that session is gone and frees its place', async () => {
      const topic = topics.riderLocation(IDS.riderY);
      await leaveSession('riderY', 'one', topic);
      await leaveSession('riderY', 'two', topic);
      expect((await attempt('riderY', 'three', false)).returnCode).toBe(3);
      const cleaner = await attempt('riderY', 'one', true);
      expect(cleaner.returnCode).toBe(0);
      cleaner.client.close();
      expect((await attempt('riderY', 'three', false)).returnCode).toBe(0);
    });

    it('when delivery-service (a service) opens many persistent sessions, then none is refused', async () => {
      for (let i = 0; i < 4; i += 1) await leaveSession('deliveryService', `ingest-${i}`, 'riders/+/location');
    });
  });
});
