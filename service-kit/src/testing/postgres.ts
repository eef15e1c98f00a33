import { answersSync } from './probe-sync.js';

export const LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

export type PostgresTarget = { url: string; source: 'env' | 'local' } | { skipReason: string };

/**
 * `POSTGRES_URL` when set (then a PostgreSQL that does not answer fails the tests), else the
 * local one when 127.0.0.1:5432 accepts connections, else a reason to skip.
 */
export function postgresTarget(env: Record<string, string | undefined> = process.env): PostgresTarget {
  if (env.POSTGRES_URL) return { url: env.POSTGRES_URL, source: 'env' };
  if (answersSync(5432)) return { url: LOCAL_POSTGRES_URL, source: 'local' };
  return { skipReason: 'POSTGRES_URL is unset and nothing listens on 127.0.0.1:5432 (start PostgreSQL or set POSTGRES_URL)' };
}
