import { spawnSync } from 'node:child_process';
import {
  dropMongoDatabases,
  ensureFerretDbBinary,
  FERRETDB_CLIENT_POOL_SIZE,
  isPortOpen,
  startFerretDb,
  type RunningFerretDb,
} from '@orderpulse/service-kit/testing';

export type BenchStoreKind = 'journal' | 'mongo';

/** Where orders-service and delivery-service keep their data during a bench. */
export interface BenchStore {
  kind: BenchStoreKind;
  /** For the report: which server, where. */
  label: string;
  mongo?: { url: string; databasePrefix: string; maxPoolSize?: number };
  /** The database server's own process, when the bench started it (its CPU is reported apart). */
  pid?: number;
  /** Run once the services have created their collections, and again before the measured steps. */
  prepare?(): void;
  close(): Promise<void>;
}

/**
 * FerretDB 1.24's PostgreSQL backend looks a document up by `_id` with `_jsonb->'_id' @> $1`,
 * which the unique btree index it keeps on `_jsonb->'_id'` cannot serve: every find and update by
 * `_id` reads the whole table (10 ms with 5,000 orders on a loaded machine, against 0.5 ms on
 * MongoDB's `_id` index). The bench gives each of its tables a GIN index on `_jsonb->'_id'`, which
 * serves `@>`, so the figures show our path rather than that scan; BENCH_FERRETDB_ID_INDEX=0 runs
 * FerretDB as it comes. Returns how many tables it indexed, or why it could not.
 */
export function indexFerretDbIdLookups(postgresUrl: string, schemaPrefix: string): number | string {
  const sql = `DO $$ DECLARE t record; BEGIN
    FOR t IN SELECT schemaname, tablename FROM pg_tables WHERE schemaname LIKE '${schemaPrefix.replace(/[^\w-]/g, '')}%' AND tablename NOT LIKE '\\_ferretdb%' LOOP
      EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin ((_jsonb->''_id''))', left(t.tablename, 50) || '_id_gin', t.schemaname, t.tablename);
    END LOOP; END $$;
    SELECT count(*) FROM pg_indexes WHERE schemaname LIKE '${schemaPrefix.replace(/[^\w-]/g, '')}%' AND indexname LIKE '%\\_id\\_gin';`;
  const result = spawnSync('psql', ['-X', '-q', '-tA', '-v', 'ON_ERROR_STOP=1', postgresUrl], { input: sql, encoding: 'utf8' });
  if (result.error || result.status !== 0) return `psql failed: ${(result.error?.message ?? result.stderr).trim()}`;
  return Number(result.stdout.trim().split('\n').pop());
}

/** BENCH_STORE=journal (default: files under a temp DATA_DIR) or mongo. */
export function benchStoreKind(env: Record<string, string | undefined> = process.env): BenchStoreKind {
  const kind = env.BENCH_STORE ?? 'journal';
  if (kind !== 'journal' && kind !== 'mongo') throw new Error(`BENCH_STORE must be journal or mongo, not ${kind}`);
  return kind;
}

/**
 * On mongo: BENCH_MONGO_URL (a real MongoDB), else a FerretDB the bench starts (the binary the
 * tests build, storing in the local PostgreSQL when one answers), each service with 16 operations in
 * flight (BENCH_MONGO_POOL, at most 18; the tests run FERRETDB_CLIENT_POOL_SIZE).
 */
export async function openBenchStore(kind: BenchStoreKind, namespace: string, env: Record<string, string | undefined> = process.env): Promise<BenchStore> {
  if (kind === 'journal') return { kind, label: 'journal files (DATA_DIR)', close: async () => undefined };
  if (env.BENCH_MONGO_URL) {
    return {
      kind,
      label: `MongoDB at ${env.BENCH_MONGO_URL.replace(/\/\/[^@]*@/, '//')}`,
      mongo: { url: env.BENCH_MONGO_URL, databasePrefix: namespace },
      close: async () => undefined,
    };
  }
  const postgresUrl = (await isPortOpen('127.0.0.1', 5432)) ? 'postgres://postgres@127.0.0.1:5432/postgres' : undefined;
  const ferret: RunningFerretDb = await startFerretDb({ binary: ensureFerretDbBinary(env), ...(postgresUrl ? { postgresUrl } : {}) });
  const indexIds = postgresUrl !== undefined && env.BENCH_FERRETDB_ID_INDEX !== '0';
  // 16 per service (BENCH_MONGO_POOL; the tests run 8): two services stay below FerretDB's
  // PostgreSQL pool of 40, which it must never have fewer free connections than operations.
  const poolSize = Math.min(Number(env.BENCH_MONGO_POOL ?? 16) || FERRETDB_CLIENT_POOL_SIZE, 18);
  let indexed: number | string = 0;
  return {
    kind,
    get label() {
      const ids = indexIds
        ? `, _id lookups indexed by the bench (GIN on _jsonb->'_id', ${indexed} tables)`
        : postgresUrl
          ? ', _id lookups as FerretDB does them (whole-table scans)'
          : '';
      return `FerretDB ${ferret.version} on ${ferret.backend}${ids}, ${poolSize} operations in flight per service`;
    },
    mongo: { url: ferret.url, databasePrefix: namespace, maxPoolSize: poolSize },
    ...(ferret.pid ? { pid: ferret.pid } : {}),
    prepare() {
      if (indexIds) indexed = indexFerretDbIdLookups(postgresUrl, namespace);
    },
    async close() {
      // Each database is a schema in the shared PostgreSQL: drop them before the server goes.
      await dropMongoDatabases(ferret.url, [`${namespace}-orders`, `${namespace}-delivery`]).catch(() => undefined);
      await ferret.stop();
    },
  };
}
