// orders-service's own Jest globalSetup (the root one finds RabbitMQ and MongoDB): finds the
// PostgreSQL the repository tests run against, once per run. Loaded outside Jest's module
// mapping, so it takes service-kit's probe from its build, as the root setup does.
import { Client } from 'pg';
import { isPortOpen } from '../../../service-kit/dist/testing/probe.js';

export type PostgresResolution = { url: string; source: 'env' | 'local' } | { skipReason: string };

export const LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * PostgreSQL for tests: `POSTGRES_URL` when given (a server that is down then fails the tests),
 * else the local server when it answers on 127.0.0.1:5432 and lets `postgres` into database
 * `test`, else a reason to skip.
 */
export async function resolvePostgres(env: Record<string, string | undefined>): Promise<PostgresResolution> {
  if (env.POSTGRES_URL) return { url: env.POSTGRES_URL, source: 'env' };
  if (!(await isPortOpen('127.0.0.1', 5432))) return { skipReason: 'POSTGRES_URL is unset and nothing answers on 127.0.0.1:5432' };
  const client = new Client({ connectionString: LOCAL_POSTGRES_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { url: LOCAL_POSTGRES_URL, source: 'local' };
  } catch (err) {
    return { skipReason: `POSTGRES_URL is unset and ${LOCAL_POSTGRES_URL} refused the tests (${(err as Error).message})` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable POSTGRES_URL>';
  }
}

/** Hands the result to the test workers as ORDERPULSE_POSTGRES_URL or ORDERPULSE_POSTGRES_SKIP (never POSTGRES_URL, which would reach the e2e services). */
export default async function postgresGlobalSetup(): Promise<void> {
  const postgres = await resolvePostgres(process.env);
  if ('skipReason' in postgres) process.env.ORDERPULSE_POSTGRES_SKIP = postgres.skipReason;
  else process.env.ORDERPULSE_POSTGRES_URL = postgres.url;
  const found = 'skipReason' in postgres ? `skipped (${postgres.skipReason})` : `${postgres.source} (${withoutPassword(postgres.url)})`;
  process.stdout.write(`[test setup] orders-service PostgreSQL: ${found}\n`);
}
