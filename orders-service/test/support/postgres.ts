import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from '@jest/globals';
import { Client } from 'pg';
import { createLogger } from '@orderpulse/service-kit';
import type { OrderRepository } from '../../src/data-access/order-repository.js';
import { anOrder, createdEventOf } from './order-factories.js';
import { connectPostgresOrderRepository, type PostgresOrderRepositoryOptions } from '../../src/data-access/postgres-order-repository.js';

/** The PostgreSQL found by test/support/postgres-global-setup.ts, or undefined when its tests are skipped. */
export function testPostgresUrl(): string | undefined {
  return process.env.ORDERPULSE_POSTGRES_URL;
}

/** Why the PostgreSQL tests are skipped; printed once per test file, like the MongoDB skip. */
export function describePostgresSkipped(what: string): void {
  const reason = process.env.ORDERPULSE_POSTGRES_SKIP ?? 'orders-service/test/support/postgres-global-setup.ts did not run';
  console.warn(`orders-service: ${what} is SKIPPED: ${reason}`);
  describe.skip(`${what} (skipped: ${reason})`, () => {
    it('runs against PostgreSQL', () => undefined);
  });
}

/** A fresh schema name per test, so runs (and workers) never see each other's rows. */
export function aTestSchema(prefix = 'orders_test'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export async function sql<R extends Record<string, unknown> = Record<string, unknown>>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export function dropSchema(url: string, schema: string): Promise<unknown> {
  return sql(url, `DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/** A repository with its own pool, as another orders-service process would have. */
export function connectTestRepository(
  url: string,
  schema: string,
  options: Partial<PostgresOrderRepositoryOptions> = {},
): Promise<OrderRepository> {
  return connectPostgresOrderRepository({ url, schema, logger: createLogger('orders-test', 'silent'), ...options });
}

/**
 * A fresh schema for each test of the calling describe block, dropped afterwards together with
 * every repository opened through `aProcess` or handed to `closeAfterTest`.
 */
export function aSchemaPerTest(url: string) {
  let schema = '';
  const opened: OrderRepository[] = [];
  beforeEach(() => {
    schema = aTestSchema();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((repo) => repo.close()));
    await dropSchema(url, schema);
  });
  const closeAfterTest = <R extends OrderRepository>(repository: R): R => {
    opened.push(repository);
    return repository;
  };
  return {
    get schema() {
      return schema;
    },
    closeAfterTest,
    /** Like another orders-service process: its own pools on this test's schema. */
    aProcess: async (options: Partial<PostgresOrderRepositoryOptions> = {}) => closeAfterTest(await connectTestRepository(url, schema, options)),
  };
}

/** Inserts a new order (with its order.created event pending) and returns both. */
export async function insertedOrder(repo: OrderRepository, overrides: Parameters<typeof anOrder>[0] = {}) {
  const order = anOrder(overrides);
  const created = createdEventOf(order);
  await repo.insert(order, created);
  return { order, created };
}
