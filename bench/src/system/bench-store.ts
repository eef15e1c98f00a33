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
  close(): Promise<void>;
}

/** BENCH_STORE=journal (default: files under a temp DATA_DIR) or mongo. */
export function benchStoreKind(env: Record<string, string | undefined> = process.env): BenchStoreKind {
  const kind = env.BENCH_STORE ?? 'journal';
  if (kind !== 'journal' && kind !== 'mongo') throw new Error(`BENCH_STORE must be journal or mongo, not ${kind}`);
  return kind;
}

/**
 * On mongo: BENCH_MONGO_URL (a real MongoDB), else a FerretDB the bench starts (the binary the
 * tests build, storing in the local PostgreSQL when one answers), whose clients are kept to
 * FERRETDB_CLIENT_POOL_SIZE operations in flight, as in the tests.
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
  return {
    kind,
    label: `FerretDB ${ferret.version} on ${ferret.backend}, ${FERRETDB_CLIENT_POOL_SIZE} operations in flight per service`,
    mongo: { url: ferret.url, databasePrefix: namespace, maxPoolSize: FERRETDB_CLIENT_POOL_SIZE },
    ...(ferret.pid ? { pid: ferret.pid } : {}),
    async close() {
      // Each database is a schema in the shared PostgreSQL: drop them before the server goes.
      await dropMongoDatabases(ferret.url, [`${namespace}-orders`, `${namespace}-delivery`]).catch(() => undefined);
      await ferret.stop();
    },
  };
}
