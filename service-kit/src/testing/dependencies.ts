import { ensureFerretDbBinary, startFerretDb } from './ferretdb.js';
import { isPortOpen } from './probe.js';

export interface StartedDependency {
  url: string;
  source: 'env' | 'local' | 'testcontainers' | 'ferretdb';
  /** The FerretDB binary, when the harness started one (tests that kill their own database reuse it). */
  binary?: string;
  /** The PostgreSQL that FerretDB stores in, when it does. */
  postgresUrl?: string;
  stop(): Promise<void>;
}

const nothingToStop = async () => undefined;

function hostPortOf(url: string, fallbackPort: number): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || fallbackPort) };
}

/** Docker engine missing fails in milliseconds; anything else is a real error worth showing. */
async function tryContainer<T>(start: () => Promise<T>): Promise<{ value?: T; reason?: string }> {
  try {
    return { value: await start() };
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    return { reason: /container runtime strategy/i.test(message) ? 'no Docker engine answers' : message.split('\n')[0] };
  }
}

/**
 * RabbitMQ for tests: `AMQP_URL` when given, else the local RabbitMQ when it answers on
 * 127.0.0.1:5672, else a testcontainers RabbitMQ when a Docker engine answers; otherwise one
 * clear error.
 */
export async function resolveRabbitMq(env: Record<string, string | undefined> = process.env): Promise<StartedDependency> {
  if (env.AMQP_URL) return { url: env.AMQP_URL, source: 'env', stop: nothingToStop };
  const local = 'amqp://guest:guest@127.0.0.1:5672';
  const { host, port } = hostPortOf(local, 5672);
  if (await isPortOpen(host, port)) return { url: local, source: 'local', stop: nothingToStop };
  const started = await tryContainer(async () => {
    const { RabbitMQContainer } = await import('@testcontainers/rabbitmq');
    return new RabbitMQContainer('rabbitmq:3.13-alpine').start();
  });
  if (started.value) {
    const container = started.value;
    return { url: container.getAmqpUrl(), source: 'testcontainers', stop: async () => void (await container.stop()) };
  }
  throw new Error(
    `no RabbitMQ for the tests: AMQP_URL is unset, nothing answers on 127.0.0.1:5672 and testcontainers failed (${started.reason}); ` +
      'start one with `rabbitmq-server -detached` or set AMQP_URL',
  );
}

export type MongoResolution = (StartedDependency & { version: string }) | { skipReason: string };

/** What the server says it is: FerretDB names itself, MongoDB gives its version. */
async function describeMongoServer(url: string): Promise<string> {
  const { default: mongoose } = await import('mongoose');
  const connection = await mongoose.createConnection(url, { serverSelectionTimeoutMS: 5_000 }).asPromise();
  try {
    const info = (await connection.db!.admin().command({ buildInfo: 1 })) as { version?: string; ferretdbVersion?: string };
    const ferret = info.ferretdbVersion;
    return ferret ? `FerretDB ${ferret} (MongoDB ${String(info.version)} wire protocol)` : `MongoDB ${String(info.version)}`;
  } finally {
    await connection.close();
  }
}

/**
 * Where the tests' FerretDB keeps its data: `FERRETDB_POSTGRES_URL`, else the local PostgreSQL
 * (trust auth, user postgres) when it answers on 127.0.0.1:5432, else nothing (SQLite files).
 */
async function localPostgresForFerretDb(env: Record<string, string | undefined>): Promise<string | undefined> {
  if (env.FERRETDB_POSTGRES_URL) return env.FERRETDB_POSTGRES_URL;
  return (await isPortOpen('127.0.0.1', 5432)) ? 'postgres://postgres@127.0.0.1:5432/postgres' : undefined;
}

/**
 * MongoDB for tests: `MONGO_URL` when given; else whatever answers on 127.0.0.1:27017; else a
 * testcontainers MongoDB when a Docker engine answers; else FerretDB (a MongoDB wire-protocol
 * server, built once from the Go module proxy by scripts/install-ferretdb.sh) on a free port,
 * storing in the local PostgreSQL when one answers and in SQLite files otherwise.
 * Only when all of these fail is there a reason to skip, which CI turns into a failure.
 */
export async function resolveMongo(env: Record<string, string | undefined> = process.env): Promise<MongoResolution> {
  if (env.MONGO_URL) return { url: env.MONGO_URL, source: 'env', version: await describeMongoServer(env.MONGO_URL), stop: nothingToStop };
  const local = 'mongodb://127.0.0.1:27017/';
  if (await isPortOpen('127.0.0.1', 27017)) return { url: local, source: 'local', version: await describeMongoServer(local), stop: nothingToStop };
  const container = await tryContainer(async () => {
    const { MongoDBContainer } = await import('@testcontainers/mongodb');
    return new MongoDBContainer('mongo:7').start();
  });
  if (container.value) {
    const started = container.value;
    const url = `${started.getConnectionString()}?directConnection=true`;
    return { url, source: 'testcontainers', version: await describeMongoServer(url), stop: async () => void (await started.stop()) };
  }
  let ferretProblem: string;
  try {
    const binary = ensureFerretDbBinary(env);
    const postgresUrl = await localPostgresForFerretDb(env);
    const ferret = await startFerretDb({ binary, postgresPoolSize: 50, ...(postgresUrl ? { postgresUrl } : {}) });
    const version = `${await describeMongoServer(ferret.url)} on ${ferret.backend}`;
    return { url: ferret.url, source: 'ferretdb', version, stop: ferret.stop, binary, ...(postgresUrl ? { postgresUrl } : {}) };
  } catch (err) {
    ferretProblem = (err as Error).message;
  }
  return {
    skipReason:
      `MONGO_URL is unset, nothing answers on 127.0.0.1:27017, testcontainers could not start MongoDB (${container.reason}) ` +
      `and FerretDB could not be started (${ferretProblem}); set MONGO_URL or install Go`,
  };
}
