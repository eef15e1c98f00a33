import { DatabaseError, Pool, type QueryResultRow } from 'pg';
import type { OrderCreatedEvent, OrderEvent, OrderSnapshot } from '@orderpulse/contracts';
import { DependencyUnavailableError, type Logger } from '@orderpulse/service-kit';
import { DuplicateOrderNumberError, type ListOrdersQuery, type OrderPage, type OrderRepository, type StoredOrder } from './order-repository.js';

export interface PostgresOrderRepositoryOptions {
  url: string;
  logger: Logger;
  /** Schema holding the tables, created when missing (tests use one per run). A lowercase SQL identifier. */
  schema?: string;
  connectTimeoutMs?: number;
  /** Connections in the pool. */
  poolSize?: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
  /** How often the database is probed while it is unreachable, so readiness comes back without traffic. */
  probeIntervalMs?: number;
  /** How long a relay waits for another process's drain of the same order before giving up until the next sweep. */
  drainLockTimeoutMs?: number;
}

export const DEFAULT_POSTGRES_SCHEMA = 'public';
export const POSTGRES_SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/** Serialises table creation between processes starting at once (CREATE ... IF NOT EXISTS alone races). */
const DDL_LOCK_KEY = "hashtext('orderpulse:orders-service:ddl')";
const UNIQUE_VIOLATION = '23505';
const ORDER_NUMBER_CONSTRAINT = 'orders_order_number_key';

/**
 * Two tables per schema:
 * - `orders`: one row per order; `snapshot` is the order exactly as the service sees it (jsonb),
 *   with the columns queries filter and sort on (`order_number` unique, `status`, `version`,
 *   `created_at`) kept beside it. `id` sorts by code point (COLLATE "C"), like the other adapters.
 * - `order_outbox`: the pending events, one row each, `seq` keeping the order they were written in.
 * A write is one SQL statement (a data-modifying CTE), so the change and its event commit together.
 */
function ddl(schema: string): string[] {
  const s = quoteIdent(schema);
  return [
    `CREATE TABLE IF NOT EXISTS ${s}.orders (
       id text COLLATE "C" PRIMARY KEY,
       order_number text NOT NULL CONSTRAINT ${ORDER_NUMBER_CONSTRAINT} UNIQUE,
       status text NOT NULL,
       version integer NOT NULL,
       created_at timestamptz NOT NULL,
       snapshot jsonb NOT NULL
     )`,
    `CREATE INDEX IF NOT EXISTS orders_newest_first ON ${s}.orders (created_at DESC, id DESC)`,
    `CREATE INDEX IF NOT EXISTS orders_by_status_newest_first ON ${s}.orders (status, created_at DESC, id DESC)`,
    `CREATE TABLE IF NOT EXISTS ${s}.order_outbox (
       seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
       order_id text COLLATE "C" NOT NULL REFERENCES ${s}.orders (id) ON DELETE CASCADE,
       event_id text NOT NULL,
       occurred_at timestamptz NOT NULL,
       event jsonb NOT NULL
     )`,
    `CREATE INDEX IF NOT EXISTS order_outbox_by_order ON ${s}.order_outbox (order_id, seq)`,
    `CREATE INDEX IF NOT EXISTS order_outbox_oldest_first ON ${s}.order_outbox (occurred_at, order_id)`,
  ];
}

/** The PostgreSQL adapter: used when POSTGRES_URL is set (and MONGO_URL is not). Rejects with one actionable line when PostgreSQL is down. */
export async function connectPostgresOrderRepository(options: PostgresOrderRepositoryOptions): Promise<OrderRepository> {
  const { url, logger } = options;
  const schema = options.schema ?? DEFAULT_POSTGRES_SCHEMA;
  if (!POSTGRES_SCHEMA_PATTERN.test(schema)) throw new Error(`invalid PostgreSQL schema name ${JSON.stringify(schema)}: use lowercase letters, digits and _`);
  const where = redactPostgresUrl(url);

  const pool = new Pool({
    connectionString: url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'orders-service',
  });
  // Drain locks hold their connection while the drain reads and trims the outbox through the
  // main pool: a pool of their own, so waiting drains can never starve the drains they wait for.
  const drainLocks = new Pool({
    connectionString: url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    max: options.poolSize ?? 10,
    application_name: `${options.applicationName ?? 'orders-service'}:outbox-drain-locks`,
    options: `-c lock_timeout=${options.drainLockTimeoutMs ?? 10_000}`,
  });
  drainLocks.on('error', () => undefined); // a broken idle lock connection holds no lock; the main pool reports outages

  let ready = true;
  let closed = false;
  let probe: NodeJS.Timeout | undefined;
  const probeIntervalMs = options.probeIntervalMs ?? 1_000;

  function markUp(): void {
    clearInterval(probe);
    probe = undefined;
    if (!ready && !closed) logger.info({ store: 'postgres', url: where }, 'PostgreSQL is reachable again');
    ready = !closed;
  }

  function markDown(err: unknown): void {
    if (closed) return;
    if (ready) logger.warn({ store: 'postgres', url: where, err: (err as Error).message }, 'PostgreSQL is unreachable; orders cannot be read or written until it is back');
    ready = false;
    probe ??= setInterval(() => {
      pool.query('SELECT 1').then(markUp, () => undefined);
    }, probeIntervalMs).unref();
  }

  // An idle connection that breaks (server restart, network) is reported here; without a listener it would crash the process.
  pool.on('error', (err) => markDown(err));

  async function run<R extends QueryResultRow>(text: string, values: unknown[] = []) {
    try {
      const result = await pool.query<R>(text, values);
      if (!ready) markUp();
      return result;
    } catch (err) {
      if (isConnectionError(err)) markDown(err);
      throw err;
    }
  }

  try {
    await createTables(pool, schema);
  } catch (err) {
    closed = true;
    await Promise.all([pool.end().catch(() => undefined), drainLocks.end().catch(() => undefined)]);
    logger.debug({ err: (err as Error).message }, 'PostgreSQL connection failed');
    throw new DependencyUnavailableError(
      isConnectionError(err)
        ? `PostgreSQL is not reachable at ${where}: start it (e.g. the postgresql system service, or \`docker run -p 5432:5432 postgres\`) or unset POSTGRES_URL to keep orders in memory`
        : `PostgreSQL at ${where} cannot be used (${(err as Error).message}): check POSTGRES_URL and POSTGRES_SCHEMA`,
    );
  }
  logger.info({ store: 'postgres', url: where, schema }, `orders are stored in PostgreSQL (schema ${schema})`);

  const orders = `${quoteIdent(schema)}.orders`;
  const outbox = `${quoteIdent(schema)}.order_outbox`;
  const pendingEventsOf = `COALESCE((SELECT jsonb_agg(p.event ORDER BY p.seq) FROM ${outbox} p WHERE p.order_id = o.id), '[]'::jsonb)`;

  return {
    async insert(order: OrderSnapshot, created: OrderCreatedEvent) {
      try {
        await run(
          `WITH inserted AS (
             INSERT INTO ${orders} (id, order_number, status, version, created_at, snapshot)
             VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING id
           )
           INSERT INTO ${outbox} (order_id, event_id, occurred_at, event) SELECT id, $7, $8, $9::jsonb FROM inserted`,
          [order.id, order.orderNumber, order.status, order.version, order.createdAt, json(order), created.id, created.occurredAt, json(created)],
        );
      } catch (err) {
        if (err instanceof DatabaseError && err.code === UNIQUE_VIOLATION && err.constraint === ORDER_NUMBER_CONSTRAINT) {
          throw new DuplicateOrderNumberError(order.orderNumber);
        }
        throw err;
      }
    },

    async update(next: OrderSnapshot, expectedVersion: number, event: OrderEvent) {
      // A concurrent writer holding the row makes this wait, then re-check `version` against what it committed.
      const result = await run(
        `WITH changed AS (
           UPDATE ${orders} SET status = $3, version = $4, snapshot = $5::jsonb WHERE id = $1 AND version = $2 RETURNING id
         )
         INSERT INTO ${outbox} (order_id, event_id, occurred_at, event) SELECT id, $6, $7, $8::jsonb FROM changed`,
        [next.id, expectedVersion, next.status, next.version, json(next), event.id, event.occurredAt, json(event)],
      );
      return result.rowCount === 1;
    },

    async findById(id) {
      const { rows } = await run<{ snapshot: OrderSnapshot; pending_events: OrderEvent[] }>(
        `SELECT o.snapshot, ${pendingEventsOf} AS pending_events FROM ${orders} o WHERE o.id = $1`,
        [id],
      );
      const row = rows[0];
      return row ? { order: row.snapshot, pendingEvents: row.pending_events } : null;
    },

    async findByOrderNumber(orderNumber) {
      const { rows } = await run<{ snapshot: OrderSnapshot }>(`SELECT snapshot FROM ${orders} WHERE order_number = $1`, [orderNumber]);
      return rows[0]?.snapshot ?? null;
    },

    async list({ status, limit, after }: ListOrdersQuery): Promise<OrderPage> {
      const values: unknown[] = [];
      const conditions: string[] = [];
      if (status) {
        values.push(status);
        conditions.push(`status = $${values.length}`);
      }
      if (after) {
        values.push(after.createdAt, after.id);
        conditions.push(`(created_at, id) < ($${values.length - 1}::timestamptz, $${values.length}::text COLLATE "C")`);
      }
      values.push(limit + 1);
      const { rows } = await run<{ snapshot: OrderSnapshot }>(
        `SELECT snapshot FROM ${orders} ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
         ORDER BY created_at DESC, id DESC LIMIT $${values.length}`,
        values,
      );
      const items = rows.slice(0, limit).map((row) => row.snapshot);
      const last = items[items.length - 1];
      return rows.length > limit && last ? { items, next: { createdAt: last.createdAt, id: last.id } } : { items };
    },

    async listWithPendingEvents(limit) {
      // One statement, so one consistent snapshot: every order listed comes with the events pending at that instant.
      const { rows } = await run<{ snapshot: OrderSnapshot; pending_events: OrderEvent[] }>(
        `WITH oldest AS (
           SELECT order_id, min(occurred_at) AS oldest_pending_at FROM ${outbox}
           GROUP BY order_id ORDER BY oldest_pending_at, order_id LIMIT $1
         )
         SELECT o.snapshot, ${pendingEventsOf} AS pending_events
         FROM oldest JOIN ${orders} o ON o.id = oldest.order_id
         ORDER BY oldest.oldest_pending_at, oldest.order_id`,
        [limit],
      );
      return rows.map((row): StoredOrder => ({ order: row.snapshot, pendingEvents: row.pending_events }));
    },

    async removePendingEvent(orderId, eventId) {
      await run(`DELETE FROM ${outbox} WHERE order_id = $1 AND event_id = $2`, [orderId, eventId]);
    },

    async countPendingEvents() {
      const { rows } = await run<{ count: number }>(`SELECT count(*)::int AS count FROM ${outbox}`);
      return rows[0]?.count ?? 0;
    },

    isReady: () => ready && !closed,

    async exclusiveDrain(orderId, drain) {
      // A session-level advisory lock per order (keyed by schema and order id): released by the
      // unlock, or by PostgreSQL when this process dies and its connection goes.
      const key = [`orderpulse:order_outbox:${schema}`, orderId];
      const client = await drainLocks.connect();
      // A checked-out client reports a dropped connection as an 'error' event (the pool only
      // listens on idle ones); the query in flight rejects as well, or the unlock below will.
      const onConnectionError = () => undefined;
      client.on('error', onConnectionError);
      const release = (err?: Error) => {
        client.off('error', onConnectionError);
        client.release(err); // with an error the connection is closed, which releases the lock
      };
      try {
        await client.query('SELECT pg_advisory_lock(hashtext($1), hashtext($2))', key);
      } catch (err) {
        release(err as Error);
        throw err;
      }
      try {
        return await drain();
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtext($1), hashtext($2))', key).then(
          () => release(),
          (err: Error) => release(err),
        );
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      ready = false;
      clearInterval(probe);
      await Promise.all([pool.end(), drainLocks.end()]);
    },
  };
}

async function createTables(pool: Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  client.on('error', () => undefined); // a drop rejects the query in flight, which says it
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(${DDL_LOCK_KEY})`);
    // CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when the schema exists: only ask when it is missing.
    const { rowCount } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (rowCount === 0) await client.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
    for (const statement of ddl(schema)) await client.query(statement);
    await client.query('COMMIT');
    client.release();
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release(true);
    throw err;
  }
}

/** Errors that say the database cannot be reached (as opposed to a query it refused). */
function isConnectionError(err: unknown): boolean {
  if (err instanceof DatabaseError) {
    const code = err.code ?? '';
    // 08: connection exception; 57P01-03: shutting down / starting up; 53300: too many connections.
    return code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code);
  }
  return true;
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The URL without its password (in the authority or as a `password` parameter). */
export function redactPostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    if (u.searchParams.has('password')) u.searchParams.set('password', '***');
    return u.toString();
  } catch {
    return '<unparseable POSTGRES_URL>';
  }
}
