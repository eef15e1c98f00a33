import { afterEach, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { topics } from '@orderpulse/contracts';
import { CutProxy, deleteRedisNamespace, redisTarget, uniqueRedisNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { describeIfAvailable } from '@orderpulse/service-kit/testing/suites';
import { connectRedisState, type RedisState } from '../src/redis-state.js';
import type { Message } from '../src/delivery/local-first-emitter.js';
import { captureLogger } from './helpers/capture-logger.js';
import { connectAs, endAll, type RecordingClient } from './helpers/mqtt-clients.js';
import { metricValue } from './helpers/metrics.js';
import { IDS } from './helpers/personas.js';
import { startTestBroker, type TestBroker } from './helpers/start-broker.js';

/**
 * Redis pub/sub keeps nothing for a subscription that is away. These tests put one broker's Redis
 * connections behind a proxy that can cut them and refuse new ones, so that a message is
 * published, for certain, while that broker's subscription is gone (the Redis fault suite found
 * the loss with a real CLIENT KILL, by chance of timing).
 */
const target = redisTarget();
const redisUrl = 'url' in target ? target.url : '';
const WAIT_MS = 15_000;
const TEST_TIMEOUT_MS = 45_000;

const RESTORED = "redis subscription restored: retained messages resent to this broker's subscribers, for what other brokers published meanwhile";

/** A message as aedes emits it: its broker's id and counter identify it. */
function message(topic: string, n: number, brokerId = 'broker-a'): Message {
  return { topic, payload: Buffer.from(`{"n":${n}}`), qos: 0, retain: false, brokerId, brokerCounter: n };
}
const numbers = (received: Message[]) => received.map((m) => (JSON.parse(String(m.payload)) as { n: number }).n);

function recordInto(received: Message[]) {
  return (m: Message, done: () => void) => {
    received.push(m);
    done();
  };
}

describeIfAvailable(`a broker whose Redis subscription is lost (${redisUrl})`, 'skipReason' in target ? target.skipReason : undefined, () => {
  const log = captureLogger('info');
  let namespace = '';
  const closers: Array<() => Promise<unknown>> = [];

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    if (namespace) await deleteRedisNamespace(redisUrl, namespace);
    namespace = '';
    log.lines.length = 0;
  });

  /** Redis behind a proxy this test can cut. */
  async function cuttableRedis(): Promise<{ proxy: CutProxy; url: string }> {
    const proxy = await CutProxy.start();
    proxy.forwardTo(redisUrl);
    closers.push(() => proxy.close());
    return { proxy, url: proxy.url('redis:') };
  }

  async function sharedState(url: string): Promise<RedisState> {
    const state = await connectRedisState({ url, namespace, logger: log.logger, closeTimeoutMs: 1_000 });
    closers.push(() => state.close()); // closes mqemitter-redis too, with a time limit
    return state;
  }

  it(
    "when a broker's Redis connections are cut, then its own messages still reach its own subscribers at once, the other broker's once Redis is back, and nobody twice",
    async () => {
      namespace = uniqueRedisNamespace('own-first');
      const { proxy, url } = await cuttableRedis();
      const a = await sharedState(url);
      const b = await sharedState(redisUrl);
      const topic = topics.orderStatus(IDS.orderA);
      const atA: Message[] = [];
      const atB: Message[] = [];
      await new Promise<void>((resolve) => a.mq.on(topic, recordInto(atA), resolve));
      await new Promise<void>((resolve) => b.mq.on(topic, recordInto(atB), resolve));

      expect(proxy.cutSince()).toBe(3); // persistence, pub and sub: A has no Redis now
      a.mq.emit(message(topic, 1));
      expect(numbers(atA)).toEqual([1]); // delivered in memory, before anything else runs

      proxy.allow();
      await waitFor(() => atB.length > 0, "A's message at B once A's Redis connections are back", WAIT_MS);
      // B answers through Redis; when it reaches A, A's own echo (if any) came before it.
      await waitFor(() => a.isReady(), "A's Redis connections", WAIT_MS);
      b.mq.emit(message(topic, 2, 'broker-b'));
      await waitFor(() => atA.length >= 2, "B's message at A", WAIT_MS);
      expect(numbers(atA)).toEqual([1, 2]);
      expect(numbers(atB)).toEqual([1, 2]);
    },
    TEST_TIMEOUT_MS,
  );

  it("when a broker's coordination message ($SYS) is emitted while Redis is cut, then it reaches the broker itself only once Redis has it", async () => {
    namespace = uniqueRedisNamespace('sys-after-redis');
    const { proxy, url } = await cuttableRedis();
    const a = await sharedState(url);
    const received: Message[] = [];
    await new Promise<void>((resolve) => a.mq.on('$SYS/sub/add', recordInto(received), resolve));

    proxy.cutSince();
    const taken = new Promise<Error | undefined>((resolve) => a.mq.emit(message('$SYS/sub/add', 1), resolve));
    expect(received).toEqual([]);
    proxy.allow();
    expect(await taken).toBeUndefined();
    expect(numbers(received)).toEqual([1]);
  });

  it(
    'when a message from another broker matches two filters of this one, then each local subscriber gets it once, and a filter nobody holds leaves Redis',
    async () => {
      namespace = uniqueRedisNamespace('two-filters');
      const a = await sharedState(redisUrl);
      const b = await sharedState(redisUrl);
      const topic = topics.orderStatus(IDS.orderA);
      const byWildcard: Message[] = [];
      const byTopic: Message[] = [];
      const wildcardListener = recordInto(byWildcard);
      const topicListener = recordInto(byTopic);
      await new Promise<void>((resolve) => a.mq.on('orders/+/status', wildcardListener, resolve));
      await new Promise<void>((resolve) => a.mq.on(topic, topicListener, resolve));

      b.mq.emit(message(topic, 1, 'broker-b'));
      b.mq.emit(message(topic, 2, 'broker-b'));
      await waitFor(() => byWildcard.length >= 2 && byTopic.length >= 2, 'both messages at both subscribers', WAIT_MS);
      expect(numbers(byWildcard)).toEqual([1, 2]);
      expect(numbers(byTopic)).toEqual([1, 2]);

      const admin = new Redis(redisUrl);
      closers.push(async () => admin.disconnect());
      const channel = `${namespace}:${topic}`;
      expect(await admin.call('PUBSUB', 'NUMSUB', channel)).toEqual([channel, 1]);
      await new Promise<void>((resolve) => a.mq.removeListener(topic, topicListener, resolve));
      expect(await admin.call('PUBSUB', 'NUMSUB', channel)).toEqual([channel, 0]);
    },
    TEST_TIMEOUT_MS,
  );

  it('when a live message on a topic comes during a catch-up, then the catch-up leaves that topic alone (its copy is older) and delivers the others', async () => {
    namespace = uniqueRedisNamespace('catch-up');
    const a = await sharedState(redisUrl);
    const received: Message[] = [];
    await new Promise<void>((resolve) => a.mq.on('orders/+/status', recordInto(received), resolve));
    const [first, second] = [topics.orderStatus(IDS.orderA), topics.orderStatus(IDS.orderB)];

    const catchUp = a.mq.beginCatchUp();
    a.mq.emit(message(first, 3));
    expect(catchUp.deliver(message(first, 2))).toBe(false);
    expect(catchUp.deliver(message(second, 7))).toBe(true);
    catchUp.end();
    expect(received.map((m) => [m.topic, numbers([m])[0]])).toEqual([
      [first, 3],
      [second, 7],
    ]);
  });

  describe('two brokers', () => {
    let clients: RecordingClient[] = [];
    afterEach(async () => {
      await endAll(clients);
      clients = [];
    });

    async function broker(url: string): Promise<TestBroker> {
      const started = await startTestBroker(log.logger, { REDIS_URL: url, REDIS_NAMESPACE: namespace });
      closers.push(() => started.close());
      return started;
    }

    /** A on Redis itself, B behind a proxy this test can cut, both in a namespace of their own. */
    async function brokersWithBCuttable(name: string): Promise<{ a: TestBroker; b: TestBroker; proxy: CutProxy }> {
      namespace = uniqueRedisNamespace(name);
      const { proxy, url } = await cuttableRedis();
      return { a: await broker(redisUrl), b: await broker(url), proxy };
    }

    it(
      "when the notifier publishes through A while B's Redis connections are cut, then B's watching customer gets that status once B's subscription is back",
      async () => {
        const { a, b, proxy } = await brokersWithBCuttable('resend');
        const topic = topics.orderStatus(IDS.orderA);
        const customer = await connectAs(b.tcpUrl, 'customerA', { clientId: 'customer-a-browser' });
        clients.push(customer);
        await customer.client.subscribeAsync(topic, { qos: 1 });
        const notifier = await connectAs(a.tcpUrl, 'notifier', { clientId: 'notifier-1' });
        clients.push(notifier);

        expect(proxy.cutSince()).toBe(3);
        // The PUBACK comes once A has stored and published it: B was not subscribed then.
        await notifier.client.publishAsync(topic, '{"status":"preparing","version":2}', { qos: 1, retain: true });
        expect(customer.messages).toEqual([]);
        proxy.allow();

        const received = await waitFor(() => customer.messages.length > 0 && customer.messages, "the status at B's customer", WAIT_MS);
        expect(received).toEqual([{ topic, payload: '{"status":"preparing","version":2}', qos: 1, retain: false }]);
        const restored = await waitFor(() => log.lines.find((line) => line.msg === RESTORED), "B's resend log line", WAIT_MS);
        expect(restored).toMatchObject({ filters: 1, resent: 1 });
        expect(await metricValue(b, 'mqtt_redis_catch_ups_total')).toBe(1);
        expect(await metricValue(b, 'mqtt_retained_resent_total')).toBe(1);
        expect(await metricValue(a, 'mqtt_redis_catch_ups_total')).toBe(0); // A's subscription never went
      },
      TEST_TIMEOUT_MS,
    );

    it(
      "when a rider reports through A while B's Redis connections are cut, then delivery-service's persistent session on B gets it once B's subscription is back (B closes the session and the reconnect replays its queue), once, and clean sessions stay connected",
      async () => {
        const { a, b, proxy } = await brokersWithBCuttable('session-queue');
        const report = topics.riderLocation(IDS.riderX);
        // As delivery-service's rider ingest: a persistent session, QoS 1, reconnecting on its own.
        const ingest = await connectAs(b.tcpUrl, 'deliveryService', { clientId: 'rider-ingest', clean: false, reconnectPeriod: 50 });
        clients.push(ingest);
        await ingest.client.subscribeAsync('riders/+/location', { qos: 1 });
        const customer = await connectAs(b.tcpUrl, 'customerA', { clientId: 'customer-a-browser' });
        clients.push(customer);
        await customer.client.subscribeAsync(topics.orderStatus(IDS.orderA), { qos: 1 });
        const closes = { ingest: 0, customer: 0 };
        ingest.client.on('close', () => (closes.ingest += 1));
        customer.client.on('close', () => (closes.customer += 1));
        const rider = await connectAs(a.tcpUrl, 'riderX', { clientId: 'rider-x-phone' });
        clients.push(rider);

        expect(proxy.cutSince()).toBe(3);
        // A queued it in Redis for the session (the PUBACK says so) and emitted it while B was not listening.
        await rider.client.publishAsync(report, '{"n":1}', { qos: 1 });
        expect(ingest.messages).toEqual([]);
        proxy.allow();

        await waitFor(() => ingest.messages.length > 0, "the rider's report at B's persistent session", WAIT_MS);
        // A later report marks the end: the first must not come again before it.
        await rider.client.publishAsync(report, '{"n":2}', { qos: 1 });
        await waitFor(() => ingest.messages.some((m) => m.payload === '{"n":2}'), 'the next report', WAIT_MS);
        expect(ingest.messages.map((m) => [m.topic, m.payload])).toEqual([
          [report, '{"n":1}'],
          [report, '{"n":2}'],
        ]);
        expect(closes).toEqual({ ingest: 1, customer: 0 });
        expect(await metricValue(b, 'mqtt_session_queues_replayed_total')).toBe(1);
        expect(await metricValue(a, 'mqtt_session_queues_replayed_total')).toBe(0);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      "when the notifier publishes a feed line through A while B's Redis connections are cut, then B closes its admin consoles once its subscription is back (their reconnect reloads what the line changed) and leaves its customers connected",
      async () => {
        const { a, b, proxy } = await brokersWithBCuttable('feed-resync');
        // As the admin console: a clean session on the feed at QoS 0, reconnecting on its own.
        const console = await connectAs(b.tcpUrl, 'admin', { clientId: 'admin-console', reconnectPeriod: 50 });
        clients.push(console);
        await console.client.subscribeAsync(topics.adminOrders(), { qos: 0 });
        const customer = await connectAs(b.tcpUrl, 'customerA', { clientId: 'customer-a-browser' });
        clients.push(customer);
        await customer.client.subscribeAsync(topics.orderStatus(IDS.orderA), { qos: 1 });
        const closes = { console: 0, customer: 0 };
        console.client.on('close', () => (closes.console += 1));
        customer.client.on('close', () => (closes.customer += 1));
        let reconnected = false;
        console.client.on('connect', () => (reconnected = true));
        const notifier = await connectAs(a.tcpUrl, 'notifier', { clientId: 'notifier-1' });
        clients.push(notifier);

        expect(proxy.cutSince()).toBe(3);
        await notifier.client.publishAsync(topics.adminOrders(), '{"type":"order.created","n":1}', { qos: 1 });
        proxy.allow();

        await waitFor(() => reconnected, "B's admin console connected again", WAIT_MS);
        expect(console.messages).toEqual([]); // the line itself is not replayed: the console reloads instead
        expect(closes).toEqual({ console: 1, customer: 0 });
        expect(await metricValue(b, 'mqtt_feed_watchers_resynced_total')).toBe(1);
        expect(await metricValue(a, 'mqtt_feed_watchers_resynced_total')).toBe(0);
        // Once subscribed again (the SUBACK also means mqtt.js's own resubscribe was handled), the next line reaches it.
        await console.client.subscribeAsync(topics.adminOrders(), { qos: 0 });
        await notifier.client.publishAsync(topics.adminOrders(), '{"type":"order.created","n":2}', { qos: 1 });
        await waitFor(() => console.messages.length > 0, 'the next feed line at the console', WAIT_MS);
        expect(console.messages.map((m) => m.payload)).toEqual(['{"type":"order.created","n":2}']);
      },
      TEST_TIMEOUT_MS,
    );
  });
});
