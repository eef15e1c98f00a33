import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { deleteAmqpNamespace, freePort, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { describeIfAvailable } from '@orderpulse/service-kit/testing/suites';
import { createFaultRunner, faultTable, startFaultSystem, type FaultRow } from '../src/faults/index.js';
import type { RunningSystem } from '../src/harness/index.js';

const amqpUrl = process.env.AMQP_URL as string;
const QUEUES = ['notifier', 'delivery-service.orders', 'orders-service.delivery'];
const rows: FaultRow[] = [];
/** How long the frozen-Redis fault keeps Redis from answering. */
const FREEZE_MS = 2_000;

const redisServerMissing = (): string | undefined =>
  spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0
    ? undefined
    : 'redis-server is not on PATH (Debian: apt-get install redis-server; .ci/run installs it)';

/**
 * The fault suite with the system's shared state on Redis: the broker (live messages, retained
 * messages, sessions), the notifier (ledger and per-order locks) and orders-service (attempt
 * counts) on a Redis server of the suite's own, so that it can drop every connection and freeze
 * the server without touching other suites. A second broker shares the Redis; in (b) the
 * watchers are on it, so everything reaches them through Redis. Besides the usual checks (nothing
 * lost, no version backwards, every final state retained), each row says how long after Redis
 * answered again the next live update reached a watching admin (issue 15: within a second).
 */
describeIfAvailable('when Redis blips mid-stream, then updates resume at once and nothing is lost', redisServerMissing(), () => {
  const namespace = testNamespace('faults-redis');
  let redisServer: ChildProcess;
  let redisUrl: string;
  let admin: Redis;
  let system: RunningSystem;
  /** A second broker on the same Redis, where the subscribers of (c) connect: the notifier publishes through the first. */
  let secondBrokerMqtt: string;
  let runFault: ReturnType<typeof createFaultRunner>['runFault'];

  beforeAll(async () => {
    const port = await freePort();
    redisServer = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    redisUrl = `redis://127.0.0.1:${port}`;
    admin = new Redis(redisUrl, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
    await waitFor(() => admin.status === 'ready', `redis-server on port ${port}`, 10_000, 50);
    const shared = { REDIS_URL: redisUrl, REDIS_NAMESPACE: namespace };
    ({ system, runFault } = await startFaultSystem({
      amqpUrl,
      namespace,
      rows,
      ordersPerFault: 100,
      env: { broker: shared, notifier: shared, orders: shared },
    }));
    secondBrokerMqtt = (await system.addInstance('broker', 'broker-2')).mqttUrl!;
  }, 90_000);

  afterAll(async () => {
    await system?.stop();
    admin?.disconnect();
    redisServer?.kill('SIGKILL');
    await deleteAmqpNamespace(amqpUrl, namespace, QUEUES);
    if (rows.length) process.stdout.write(`\nReliability on Redis: faults tried\n${faultTable(rows)}\n`);
  }, 60_000);

  /**
   * Runs the fault (`inject` resolves with when Redis answered again) and asserts that nothing was
   * lost, live or from the stored and retained state, and no version went backwards.
   */
  async function expectNoLoss(fault: string, inject: () => Promise<number>, watchUrl?: string) {
    const outcome = await runFault(fault, inject, watchUrl ? { watchUrl } : {});
    expect(outcome.storedProblems.slice(0, 5)).toEqual([]);
    expect(outcome.lost.slice(0, 5)).toEqual([]);
    expect(outcome.regressions.slice(0, 5)).toEqual([]);
    // Updates came again after Redis did (how soon is the row's figure: a measurement, not a bound).
    expect(outcome.row.resumedMs).toBeGreaterThanOrEqual(0);
  }

  /** Drops every connection of the system's processes to Redis (SKIPME, the default, keeps this admin connection). */
  async function dropEveryConnection(): Promise<number> {
    const killed = Number(await admin.call('CLIENT', 'KILL', 'TYPE', 'normal')) + Number(await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub'));
    expect(killed).toBeGreaterThanOrEqual(3);
    return performance.now(); // Redis answers at once: only the connections went
  }

  it('(a) Redis drops every connection of the system', async () => {
    await expectNoLoss('Redis: every connection dropped (CLIENT KILL)', dropEveryConnection);
  }, 180_000);

  it('(b) Redis drops every connection while the watchers are on a second broker', async () => {
    // Whatever the notifier publishes through the first broker while the second's subscription
    // is reconnecting never reaches the second through Redis: it resends its subscribers the
    // retained states once its subscription is back (broker/src/delivery/retained-resend.ts).
    await expectNoLoss('Redis: every connection dropped, watchers on a second broker', dropEveryConnection, secondBrokerMqtt);
  }, 180_000);

  it('(c) Redis stops answering for 2 s and comes back', async () => {
    await expectNoLoss(`Redis: frozen ${FREEZE_MS / 1000} s (SIGSTOP, SIGCONT)`, async () => {
      redisServer.kill('SIGSTOP');
      // The fault's length, not a wait for something: Redis is away for exactly this long.
      await new Promise((resolve) => setTimeout(resolve, FREEZE_MS));
      redisServer.kill('SIGCONT');
      const answeredAt = performance.now();
      expect(await admin.ping()).toBe('PONG');
      return answeredAt;
    });
  }, 180_000);
});
