import { afterAll, beforeAll, expect, it } from '@jest/globals';
import {
  deleteAmqpNamespace,
  dropMongoDatabases,
  ensureFerretDbBinary,
  FERRETDB_CLIENT_POOL_SIZE,
  startFerretDb,
  testNamespace,
  waitFor,
  type RunningFerretDb,
} from '@orderpulse/service-kit/testing';
import { describeIfAvailable, itIfAvailable, mongoTestTarget } from '@orderpulse/service-kit/testing/suites';
import { closeRabbitMqConnections, createFaultRunner, faultTable, rabbitmqctlMissing, startFaultSystem, type FaultRow } from '../src/faults/index.js';
import type { RunningSystem } from '../src/harness/index.js';

const amqpUrl = process.env.AMQP_URL as string;
const QUEUES = ['notifier', 'delivery-service.orders', 'orders-service.delivery'];
const rows: FaultRow[] = [];

/**
 * The fault suite on the production store: orders-service and delivery-service on MongoDB. The
 * suite starts its own FerretDB (MongoDB wire protocol; the binary the global setup built), so
 * that it can SIGKILL the database itself mid-stream without touching other suites' data.
 */
describeIfAvailable(
  'when faults hit the system on MongoDB mid-stream, then no event is lost and no version goes backwards',
  'missing' in mongoTestTarget() ? (mongoTestTarget() as { missing: string }).missing : undefined,
  () => {
    const namespace = testNamespace('faults-mongo');
    let database: RunningFerretDb;
    let system: RunningSystem;
    let runFault: ReturnType<typeof createFaultRunner>['runFault'];

    beforeAll(async () => {
      const postgresUrl = process.env.FERRETDB_POSTGRES_URL;
      database = await startFerretDb({ binary: ensureFerretDbBinary(), postgresPoolSize: 20, ...(postgresUrl ? { postgresUrl } : {}) });
      // 100 orders (~570 events) per fault, half the in-memory suite's: on FerretDB a PATCH takes
      // ~0.5 s with the stream's 32 in flight, and the faults hit at 40 % of the stream either way.
      ({ system, runFault } = await startFaultSystem({
        amqpUrl,
        namespace,
        rows,
        ordersPerFault: 100,
        mongo: { url: database.url, databasePrefix: namespace, maxPoolSize: FERRETDB_CLIENT_POOL_SIZE },
      }));
    }, 90_000);

    afterAll(async () => {
      await system?.stop();
      // The databases live in the shared PostgreSQL (one schema each): drop them before the server goes.
      if (database) await dropMongoDatabases(database.url, [`${namespace}-orders`, `${namespace}-delivery`]).catch(() => undefined);
      await database?.stop();
      await deleteAmqpNamespace(amqpUrl, namespace, QUEUES);
      if (rows.length) process.stdout.write(`\nReliability on MongoDB: faults tried\n${faultTable(rows)}\n`);
    }, 60_000);

    async function expectNoLoss(...args: Parameters<typeof runFault>) {
      const outcome = await runFault(...args);
      expect(outcome.storedProblems.slice(0, 5)).toEqual([]);
      expect(outcome.lost.slice(0, 5)).toEqual([]);
      expect(outcome.regressions.slice(0, 5)).toEqual([]);
      return outcome;
    }

    it('(a) the notifier is SIGKILLed and restarted', async () => {
      await expectNoLoss('MongoDB: notifier SIGKILL + restart', async () => {
        expect(await system.processes.get('notifier')!.stop('SIGKILL')).toBeNull();
        await system.restart('notifier');
        return performance.now(); // ready again
      });
    }, 180_000);

    itIfAvailable(
      '(b) RabbitMQ force-closes every connection',
      rabbitmqctlMissing(),
      async () => {
        await expectNoLoss('MongoDB: rabbitmqctl close_connection', async () => {
          expect(await closeRabbitMqConnections(namespace)).toBeGreaterThanOrEqual(3);
          return performance.now(); // RabbitMQ answers at once: only the connections went
        });
      },
      180_000,
    );

    it('(c) orders-service is SIGKILLed with PATCHes in flight', async () => {
      await expectNoLoss('MongoDB: orders-service SIGKILL mid-PATCH + restart', async () => {
        expect(await system.processes.get('orders')!.stop('SIGKILL')).toBeNull();
        await system.restart('orders');
        return performance.now(); // ready again
      });
    }, 180_000);

    it('(d) the database is SIGKILLed mid-stream and comes back: writes get 503 with Retry-After meanwhile, /readyz says so, and the outbox drains after', async () => {
      let readyWhileDown: { status: number; body: string } | undefined;
      let failuresWhileDown = 0;
      const { driver } = await expectNoLoss('MongoDB: the database SIGKILLed + restarted', async (streaming) => {
        const before = streaming.stats.failures;
        await database.kill();
        // Writes keep coming at the stream's rate while the database is away.
        await waitFor(() => streaming.stats.failures >= before + 20, 'PATCHes to be refused while the database is down', 30_000, 50);
        const readyz = await fetch(`${system.urls.orders}/readyz`);
        readyWhileDown = { status: readyz.status, body: await readyz.text() };
        failuresWhileDown = streaming.stats.failures - before;
        await database.restart();
        return performance.now(); // answering again
      });
      expect(failuresWhileDown).toBeGreaterThanOrEqual(20);
      // Refused, clearly and quickly: 503 with Retry-After, never a 500 or a hang.
      expect(Object.keys(driver.stats.failuresByStatus)).toEqual(['503']);
      expect(driver.stats.failuresWithoutRetryAfter).toBe(0);
      expect(driver.stats.slowestFailureMs).toBeLessThan(10_000);
      expect(readyWhileDown?.status).toBe(503);
      expect(readyWhileDown?.body).toContain('"store":false');
      rows.at(-1)!.note = `${failuresWhileDown} PATCHes answered 503 + Retry-After while it was down, slowest in ${driver.stats.slowestFailureMs} ms`;
    }, 180_000);
  },
);
