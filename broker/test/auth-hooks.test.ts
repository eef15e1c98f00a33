import { afterEach, beforeEach, describe, it, expect, jest } from '@jest/globals';
import type { Aedes, Client } from 'aedes';
import type { IPublishPacket } from 'mqtt-packet';
import { topics } from '@orderpulse/contracts';
import { Registry } from '@orderpulse/service-kit';
import { waitFor } from '@orderpulse/service-kit/testing';
import { createAuthHooks, createSubscriptionQuota, type AuthHooks, type RefusalReason } from '../src/auth/index.js';
import { createAedes, createMemoryPersistence } from '../src/create-aedes.js';
import { createBrokerMetrics } from '../src/metrics.js';
import { createRefusals } from '../src/refusals/refuse.js';
import { createPersistentSessions, type PersistentSessions } from '../src/sessions/persistent-sessions.js';
import type { SessionStore } from '../src/sessions/wipe-session.js';
import { captureLogger, type CapturedLogger } from './helpers/capture-logger.js';
import { duplexPair } from './helpers/duplex-pair.js';
import { PacketClient } from './helpers/packet-client.js';
import { credentialsOf, IDS, testTokens, type Persona } from './helpers/personas.js';

/** The real hooks, each wrapped in a spy that calls through. */
function spiedHooks(real: AuthHooks) {
  return {
    authenticate: jest.fn(real.authenticate),
    authorizePublish: jest.fn(real.authorizePublish),
    authorizeSubscribe: jest.fn(real.authorizeSubscribe),
    authorizeForward: jest.fn(real.authorizeForward),
  };
}

const { orderA, orderB } = IDS;

describe('auth hooks, over in-memory streams', () => {
  let aedes: Aedes;
  let hooks: ReturnType<typeof spiedHooks>;
  let log: CapturedLogger;
  let refusals: RefusalReason[];
  let persistentSessions: PersistentSessions;
  const clients: PacketClient[] = [];
  const registered: string[] = [];

  const attach = () => {
    const [clientSide, brokerSide] = duplexPair();
    aedes.handle(brokerSide);
    const client = new PacketClient(clientSide);
    clients.push(client);
    return client;
  };
  const connectAs = async (persona: Persona, clientId: string) => {
    const client = attach();
    const connack = await client.connect(clientId, await credentialsOf(persona));
    expect(connack.returnCode).toBe(0);
    return client;
  };
  const start = async (override: Partial<AuthHooks> = {}) => {
    const persistence = createMemoryPersistence();
    persistentSessions = createPersistentSessions({
      store: persistence as SessionStore,
      expiryMs: 60_000,
      maxPerSubject: 4,
      onExpired: () => undefined,
      onWipeFailed: () => undefined,
    });
    const { refuse } = createRefusals({ logger: log.logger, count: (r) => refusals.push(r), linesPerSecond: 1_000, maxFieldChars: 128 });
    const real = createAuthHooks({
      logger: log.logger,
      refuse,
      limits: {
        maxPayloadBytes: 64,
        maxClientIdLength: 128,
        maxConnectionsPerSubject: 10,
        maxPersistentSessionsPerSubject: 4,
        maxSubscriptionsPerClient: 64,
        maxPublishesPerSecond: 1_000,
      },
      verifyToken: testTokens().verify,
      persistentSessions,
      subscriptions: createSubscriptionQuota(64),
    });
    hooks = spiedHooks({ ...real, ...override });
    aedes = await createAedes({ hooks, logger: log.logger, metrics: createBrokerMetrics(new Registry()), persistence });
    aedes.on('client', (client: Client) => registered.push(client.id));
  };
  const linesWith = (msg: string) => log.lines.filter((l) => l.msg === msg);

  beforeEach(() => {
    log = captureLogger();
    refusals = [];
    registered.length = 0;
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    persistentSessions.close();
  });

  describe('with the real hooks', () => {
    beforeEach(() => start());

    it('when a customer connects with its token, then the CONNACK accepts and aedes registers it under an id scoped by role and subject', async () => {
      await connectAs('customerA', 'tab-1');
      const [, username, password] = hooks.authenticate.mock.calls[0]!;
      expect(username).toBe('customer');
      expect(password?.toString()).toMatch(/^ey/);
      expect(registered).toEqual([`customer:${encodeURIComponent(`customer:${orderA}`)}:tab-1`]);
    });

    it('when an anonymous client connects, then CONNACK 5 answers, the connection closes and one refusal is logged and counted', async () => {
      const client = attach();
      expect((await client.connect('anon-1')).returnCode).toBe(5);
      await client.waitUntilClosed();
      expect(registered).toEqual([]);
      expect(linesWith('connect refused')).toEqual([
        expect.objectContaining({ level: 40, clientId: 'anon-1', role: null, sub: null, reason: 'connect_anonymous', username: null }),
      ]);
      expect(refusals).toEqual(['connect_anonymous']);
    });

    it('when a customer subscribes to another order, then SUBACK 128 answers, it stays connected and the refusal is logged once with who and what', async () => {
      const client = await connectAs('customerA', 'tab-2');
      expect(await client.subscribe(topics.orderStatus(orderB))).toBe(128);
      expect(await client.subscribe(topics.orderStatus(orderA))).toBe(1);
      expect(client.closed).toBe(false);
      expect(linesWith('subscription refused')).toEqual([
        expect.objectContaining({
          level: 40,
          clientId: 'tab-2',
          role: 'customer',
          sub: `customer:${orderA}`,
          topic: topics.orderStatus(orderB),
          reason: 'subscribe_not_authorized',
          detail: 'outside the topics a customer may subscribe to',
        }),
      ]);
      expect(refusals).toEqual(['subscribe_not_authorized']);
    });

    it('when a customer publishes, then it is disconnected without a PUBACK, nobody receives it and the refusal is logged', async () => {
      const watcher = await connectAs('customerA', 'watcher');
      expect(await watcher.subscribe(topics.orderStatus(orderA))).toBe(1);
      const offender = await connectAs('customerA', 'offender');
      expect(await offender.publish(topics.orderStatus(orderA), '{"status":"delivered"}')).toBe('closed');
      expect(linesWith('publish refused')).toEqual([
        expect.objectContaining({ clientId: 'offender', role: 'customer', topic: topics.orderStatus(orderA), reason: 'publish_not_authorized' }),
      ]);

      const notifier = await connectAs('notifier', 'notifier');
      expect(await notifier.publish(topics.orderStatus(orderA), '{"status":"shipped"}')).toBe('puback');
      await watcher.next('publish');
      expect(watcher.publishes().map((p) => p.payload.toString())).toEqual(['{"status":"shipped"}']);
    });

    it('when a payload is over the limit, then even the notifier is disconnected and the refusal is logged with its size', async () => {
      const notifier = await connectAs('notifier', 'big');
      expect(await notifier.publish(topics.adminOrders(), 'x'.repeat(65))).toBe('closed');
      expect(linesWith('publish refused: payload too large')).toEqual([
        expect.objectContaining({ clientId: 'big', role: 'service', sub: 'notifier', bytes: 65, maxPayloadBytes: 64, reason: 'payload_too_large' }),
      ]);
      expect(refusals).toEqual(['payload_too_large']);
    });

    it('when a retained message reaches a late subscriber, then authorizeForward decides that delivery too', async () => {
      const notifier = await connectAs('notifier', 'notifier');
      expect(await notifier.publish(topics.orderStatus(orderA), 'kept', true)).toBe('puback');
      expect(hooks.authorizeForward).not.toHaveBeenCalled();
      const late = await connectAs('customerA', 'late');
      expect(await late.subscribe(topics.orderStatus(orderA))).toBe(1);
      const delivered = await late.next<IPublishPacket>('publish');
      expect(delivered.retain).toBe(true);
      expect(hooks.authorizeForward).toHaveBeenCalledWith(
        expect.objectContaining({ id: expect.stringMatching(/:late$/) }),
        expect.objectContaining({ topic: topics.orderStatus(orderA) }),
      );
    });
  });

  describe('when the subscribe rule is bypassed (a bug upstream)', () => {
    const permissiveSubscribe: AuthHooks['authorizeSubscribe'] = (_client, subscription, done) => done(null, subscription);
    beforeEach(() => start({ authorizeSubscribe: permissiveSubscribe }));

    it("then authorizeForward alone keeps order A's retained status from customer B's wildcard, and says so", async () => {
      const notifier = await connectAs('notifier', 'notifier');
      expect(await notifier.publish(topics.orderStatus(orderA), 'for A only', true)).toBe('puback');
      expect(await notifier.publish(topics.orderStatus(orderB), 'for B', true)).toBe('puback');
      const b = await connectAs('customerB', 'b');
      expect(await b.subscribe('orders/#')).toBe(1);
      await b.next('publish');
      await waitFor(() => linesWith('delivery withheld').length > 0, "the withheld delivery of A's status");
      expect(linesWith('delivery withheld')).toEqual([
        expect.objectContaining({ clientId: 'b', role: 'customer', topic: topics.orderStatus(orderA), retained: true, reason: 'forward_not_authorized' }),
      ]);
      expect(b.publishes().map((p) => p.payload.toString())).toEqual(['for B']);
      expect(refusals).toEqual(['forward_not_authorized']);
    });
  });
});
