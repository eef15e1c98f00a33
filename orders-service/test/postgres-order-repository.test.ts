import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from 'pg';
import type { OrderSnapshot } from '@orderpulse/contracts';
import { createLogger, DependencyUnavailableError } from '@orderpulse/service-kit';
import { captureLogger, deleteAmqpNamespace, freePort, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { openOrderRepository } from '../src/data-access/open-order-repository.js';
import type { OrderRepository } from '../src/data-access/order-repository.js';
import { DELIVERY_EVENTS_QUEUE } from '../src/messaging/delivery-events-consumer.js';
import { httpClient } from './support/http-client.js';
import { aNewOrder, anOrder, at, changedTo, createdEventOf } from './support/order-factories.js';
import { aSchemaPerTest, connectTestRepository, describePostgresSkipped, insertedOrder, sql, testPostgresUrl } from './support/postgres.js';
import { adminToken, amqpUrl, startServiceUnderTest } from './support/service-under-test.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

const silent = createLogger('orders-test', 'silent');

describe('opening the PostgreSQL store (no server needed)', () => {
  it('when POSTGRES_URL points at nothing, then start-up fails with one line naming the URL without its password', async () => {
    const port = await freePort();
    const url = `postgres://orders:hunter2-secret@127.0.0.1:${port}/orders`;
    const error = await openOrderRepository({ POSTGRES_URL: url }, silent).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    const message = (error as Error).message;
    expect(message).toContain(`PostgreSQL is not reachable at postgres://orders:***@127.0.0.1:${port}/orders`);
    expect(message).toContain('unset POSTGRES_URL');
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('\n');
  });

  it('when MONGO_URL and POSTGRES_URL are both set, then MongoDB is used and the PostgreSQL URL is ignored, with a warning', async () => {
    const [mongoPort, postgresPort] = [await freePort(), await freePort()];
    const { logger, lines } = captureLogger('info');
    const error = await openOrderRepository(
      { MONGO_URL: `mongodb://127.0.0.1:${mongoPort}/orders`, POSTGRES_URL: `postgres://postgres@127.0.0.1:${postgresPort}/orders` },
      logger,
    ).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect((error as Error).message).toMatch(/^MongoDB is not reachable/);
    expect(lines.map((line) => line.msg)).toContain('both MONGO_URL and POSTGRES_URL are set: MONGO_URL wins, POSTGRES_URL is ignored');
  });
});

const postgresUrl = testPostgresUrl();
if (!postgresUrl) {
  describePostgresSkipped('the PostgreSQL-only order repository suite');
} else {
  const url = postgresUrl;

  describe('PostgreSQL order repository', () => {
    const db = aSchemaPerTest(url);
    const { aProcess } = db;

    describe('start-up', () => {
      it('when POSTGRES_URL and POSTGRES_SCHEMA are set, then orders go to that schema and the log names the store without the password', async () => {
        const withPassword = new URL(url);
        // With trust authentication the server ignores a password; with password authentication the URL already has one.
        if (!withPassword.password) withPassword.password = 'not-in-the-log';
        const secret = decodeURIComponent(withPassword.password);
        const { logger, lines } = captureLogger('info');
        const repository = await openOrderRepository({ POSTGRES_URL: withPassword.toString(), POSTGRES_SCHEMA: db.schema }, logger);
        db.closeAfterTest(repository);
        const { order } = await insertedOrder(repository);

        const rows = await sql<{ id: string; version: number }>(url, `SELECT id, version FROM "${db.schema}".orders`);
        expect(rows).toEqual([{ id: order.id, version: 1 }]);
        const storeLine = lines.find((line) => line.store === 'postgres');
        expect(storeLine).toMatchObject({ level: 30, schema: db.schema, msg: `orders are stored in PostgreSQL (schema ${db.schema})` });
        expect(storeLine?.url).toContain('***');
        expect(JSON.stringify(lines)).not.toContain(secret);
      });

      it('when several processes start at once on a new schema, then every one creates or finds the same tables', async () => {
        const processes = await Promise.all([aProcess(), aProcess(), aProcess(), aProcess()]);
        const { order, created } = await insertedOrder(processes[0]!);
        for (const repo of processes) expect(await repo.findById(order.id)).toEqual({ order, pendingEvents: [created] });
        const tables = await sql<{ table_name: string }>(
          url,
          'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
          [db.schema],
        );
        expect(tables.map((t) => t.table_name)).toEqual(['order_outbox', 'orders']);
      });

      it('when the schema name is not a plain identifier, then nothing is sent to the server', async () => {
        await expect(connectTestRepository(url, 'x"; DROP TABLE orders; --')).rejects.toThrow(/invalid PostgreSQL schema name/);
      });
    });

    describe('two processes writing the same order', () => {
      it('when both update from the same version while the row is locked, then after the lock is released exactly one wins', async () => {
        const applicationName = `race-${db.schema}`;
        const [a, b] = [await aProcess({ applicationName }), await aProcess({ applicationName })];
        const { order, created } = await insertedOrder(a);
        const fromA = changedTo(order, 'confirmed', at(5));
        const fromB = changedTo(order, 'cancelled', at(6));

        // Hold the row so both updates are inside PostgreSQL, queued on the same row, before either can commit.
        const holder = new Client({ connectionString: url });
        await holder.connect();
        let results: boolean[];
        try {
          await holder.query('BEGIN');
          await holder.query(`SELECT 1 FROM "${db.schema}".orders WHERE id = $1 FOR UPDATE`, [order.id]);
          const racing = Promise.all([a.update(fromA.next, 1, fromA.event), b.update(fromB.next, 1, fromB.event)]);
          await waitFor(async () => {
            const [row] = await sql<{ waiting: number }>(
              url,
              "SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
              [applicationName],
            );
            return row?.waiting === 2;
          }, 'both updates to wait on the row lock');
          await holder.query('COMMIT');
          results = await racing;
        } finally {
          await holder.end();
        }

        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results[0] ? fromA : fromB;
        const expected = { order: winner.next, pendingEvents: [created, winner.event] };
        expect(await a.findById(order.id)).toEqual(expected);
        expect(await b.findById(order.id)).toEqual(expected);
        expect(await b.countPendingEvents()).toBe(2);
      });

      it('when both keep changing it with read-modify-write and retries, then no change is lost and each has its event, once', async () => {
        const [a, b] = [await aProcess(), await aProcess()];
        const { order } = await insertedOrder(a);
        const changesEach = 15;
        let conflicts = 0;

        async function change(repo: OrderRepository, writer: string): Promise<void> {
          for (let done = 0; done < changesEach; ) {
            const current = (await repo.findById(order.id))!.order;
            const { next, event } = changedTo(current, 'processing', at(current.version));
            const withNote = { ...next, history: [...current.history, { status: next.status, at: next.updatedAt, note: `${writer}-${done}` }] };
            if (await repo.update(withNote, current.version, { ...event, data: { ...event.data, history: withNote.history } })) done += 1;
            else conflicts += 1;
          }
        }
        await Promise.all([change(a, 'a'), change(b, 'b')]);

        const stored = (await a.findById(order.id))!;
        expect(stored.order.version).toBe(1 + 2 * changesEach);
        const notes = stored.order.history.map((entry) => entry.note).filter(Boolean);
        expect(notes).toHaveLength(2 * changesEach);
        for (const writer of ['a', 'b']) {
          expect(notes.filter((note) => note!.startsWith(`${writer}-`))).toEqual(Array.from({ length: changesEach }, (_, i) => `${writer}-${i}`));
        }
        // The outbox holds one event per version, in the order they were written.
        expect(stored.pendingEvents.map((e) => e.version)).toEqual(Array.from({ length: 1 + 2 * changesEach }, (_, i) => i + 1));
        // Not an assertion on timing: it only reports how hard the two writers actually collided.
        process.stdout.write(`postgres read-modify-write race: ${2 * changesEach} changes, ${conflicts} version conflicts retried\n`);
      });

      it('when many orders are raced by two processes at once, then each order has exactly one winner', async () => {
        const [a, b] = [await aProcess(), await aProcess()];
        const orders = await Promise.all(Array.from({ length: 25 }, () => insertedOrder(a)));
        const outcomes = await Promise.all(
          orders.map(async ({ order, created }) => {
            const fromA = changedTo(order, 'confirmed', at(5));
            const fromB = changedTo(order, 'cancelled', at(5));
            const [wonA, wonB] = await Promise.all([a.update(fromA.next, 1, fromA.event), b.update(fromB.next, 1, fromB.event)]);
            return { order, created, fromA, fromB, wonA, wonB };
          }),
        );
        for (const { order, created, fromA, fromB, wonA, wonB } of outcomes) {
          expect([wonA, wonB].filter(Boolean)).toHaveLength(1);
          const winner = wonA ? fromA : fromB;
          expect(await b.findById(order.id)).toEqual({ order: winner.next, pendingEvents: [created, winner.event] });
        }
        expect(await a.countPendingEvents()).toBe(2 * orders.length);
      });

      it('when the same order number is inserted by two processes at once, then one gets DuplicateOrderNumberError', async () => {
        const [a, b] = [await aProcess(), await aProcess()];
        const first = anOrder();
        const second = anOrder({ orderNumber: first.orderNumber });
        const results = await Promise.allSettled([a.insert(first, createdEventOf(first)), b.insert(second, createdEventOf(second))]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect((rejected?.reason as Error).name).toBe('DuplicateOrderNumberError');
        expect(await a.countPendingEvents()).toBe(1);
      });
    });

    describe('when the connection to PostgreSQL drops', () => {
      let proxy: TcpProxy;
      beforeAll(async () => {
        const target = new URL(url);
        proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
      });
      afterAll(async () => {
        await proxy?.close();
      });

      function throughProxy(): string {
        const u = new URL(url);
        u.hostname = '127.0.0.1';
        u.port = String(proxy.port);
        return u.toString();
      }

      it('then it is not ready and reads fail, and once PostgreSQL is back it is ready again without a restart', async () => {
        const repo = await connectTestRepository(throughProxy(), db.schema, { probeIntervalMs: 50, connectTimeoutMs: 2_000 });
        db.closeAfterTest(repo);
        const { order, created } = await insertedOrder(repo);
        expect(repo.isReady()).toBe(true);

        await proxy.cut();
        await waitFor(() => !repo.isReady(), 'the repository to notice the dropped connection');
        await expect(repo.findById(order.id)).rejects.toThrow();
        const change = changedTo(order, 'confirmed', at(5));
        await expect(repo.update(change.next, 1, change.event)).rejects.toThrow();
        expect(repo.isReady()).toBe(false);

        await proxy.restore();
        await waitFor(() => repo.isReady(), 'the repository to be ready again');
        expect(await repo.findById(order.id)).toEqual({ order, pendingEvents: [created] });
      });

      it('then a drain holding its order lock loses the lock with the connection, the process does not crash, and drains work again once it is back', async () => {
        const repo = await connectTestRepository(throughProxy(), db.schema, { probeIntervalMs: 50, connectTimeoutMs: 2_000 });
        db.closeAfterTest(repo);
        const { order } = await insertedOrder(repo);
        let cutWhileHeld!: () => void;
        const held = new Promise<void>((resolve) => (cutWhileHeld = resolve));
        const draining = repo.exclusiveDrain!(order.id, async () => {
          await proxy.cut(); // the lock connection drops while this drain holds the lock
          cutWhileHeld();
          return 'drained';
        });
        await held;
        await expect(draining).resolves.toBe('drained'); // what the drain did stands; the lost unlock is the server's to clean up
        await expect(repo.exclusiveDrain!(order.id, async () => 'too early')).rejects.toThrow();

        await proxy.restore();
        await waitFor(async () => (await repo.exclusiveDrain!(order.id, async () => 'again').catch(() => undefined)) === 'again', 'a drain to get the lock again');
      });

      it('then the HTTP API answers 5xx and /readyz 503 naming the store, and recovers when it is back', async () => {
        const repository = await connectTestRepository(throughProxy(), db.schema, { probeIntervalMs: 50, connectTimeoutMs: 2_000 });
        db.closeAfterTest(repository);
        const namespace = testNamespace('orders-pg');
        const service = await startServiceUnderTest(namespace, { repository });
        try {
          const api = httpClient(service.url, await adminToken());
          const created = await api.post('/orders', aNewOrder());
          expect(created.status).toBe(201);
          const orderId = (created.body as OrderSnapshot).id;

          await proxy.cut();
          await waitFor(async () => (await api.get('/readyz')).status === 503, '/readyz to report the store down');
          expect((await api.get('/readyz')).body).toMatchObject({ status: 'not ready', checks: { store: false } });
          const read = await api.get(`/orders/${orderId}`);
          expect(read.status).toBeGreaterThanOrEqual(500);
          const patch = await api.patch(`/orders/${orderId}/status`, { status: 'confirmed' });
          expect(patch.status).toBeGreaterThanOrEqual(500);

          await proxy.restore();
          await waitFor(async () => (await api.get('/readyz')).status === 200, '/readyz to be ready again');
          const retried = await api.patch(`/orders/${orderId}/status`, { status: 'confirmed' });
          expect(retried.status).toBe(200);
          expect(retried.body).toMatchObject({ id: orderId, status: 'confirmed', version: 2 });
        } finally {
          await service.close();
          await deleteAmqpNamespace(amqpUrl(), namespace, [DELIVERY_EVENTS_QUEUE]);
        }
      });
    });
  });
}
