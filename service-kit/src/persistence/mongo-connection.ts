import type { Connection } from 'mongoose';
import { DependencyUnavailableError } from '../amqp/connection.js';
import type { Logger } from '../logger.js';

const CONNECTED = 1;

export function redactMongoUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}

/**
 * For MongoDB's duplicate-key error (11000): whether it was on an index over `field`. Undefined
 * when the server does not say which index (FerretDB 1.24 names none); the caller then checks.
 * False for any other error.
 */
export function duplicateKeyOn(err: unknown, field: string): boolean | undefined {
  const e = err as { code?: number; keyPattern?: Record<string, unknown> };
  if (e?.code !== 11000) return false;
  return e.keyPattern ? field in e.keyPattern : undefined;
}

export function isMongoConnected(connection: Connection): boolean {
  return connection.readyState === CONNECTED;
}

export interface MongoConnectionOptions {
  url: string;
  logger: Logger;
  /** What the service keeps in memory when MONGO_URL is unset, for the error line ("orders"). */
  whatIsKept: string;
  dbName?: string;
  connectTimeoutMs?: number;
  /** Operations in flight at once; the driver's default (100) when absent. */
  maxPoolSize?: number;
}

/** A mongoose connection, or one actionable DependencyUnavailableError line when MongoDB is down. */
export async function openMongoConnection(options: MongoConnectionOptions): Promise<Connection> {
  const { url, logger } = options;
  // Loaded only when MongoDB is used: mongoose costs every process ~0.4 s of start-up otherwise.
  const { default: mongoose } = await import('mongoose');
  const connection = mongoose.createConnection(url, {
    serverSelectionTimeoutMS: options.connectTimeoutMs ?? 5_000,
    // While the server is away, a write fails within serverSelectionTimeoutMS (a 503 to the
    // caller) instead of waiting in mongoose's buffer; the monitor notices its return quickly.
    bufferCommands: false,
    heartbeatFrequencyMS: 2_000,
    ...(options.dbName ? { dbName: options.dbName } : {}),
    ...(options.maxPoolSize ? { maxPoolSize: options.maxPoolSize } : {}),
  });
  try {
    await connection.asPromise();
  } catch (err) {
    await connection.close().catch(() => undefined);
    logger.debug({ err: (err as Error).message }, 'MongoDB connection failed');
    throw new DependencyUnavailableError(
      `MongoDB is not reachable at ${redactMongoUrl(url)}: start it (e.g. \`docker compose up mongo\`) ` +
        `or unset MONGO_URL to keep ${options.whatIsKept} in memory`,
    );
  }
  logger.info({ url: redactMongoUrl(url) }, 'connected to MongoDB');
  return connection;
}

/** The database a MongoDB URL names ('' when none): `mongodb://h:27017/shop?x=1` → `shop`. */
export function mongoDatabaseOf(url: string): string {
  return /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]*)/.exec(url)?.[1] ?? '';
}

/** The same MongoDB URL naming another database (host list, credentials and options kept). */
export function withMongoDatabase(url: string, database: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]*)(?:\/[^?]*)?(\?.*)?$/.exec(url);
  if (!match) throw new Error(`not a MongoDB URL: ${redactMongoUrl(url)}`);
  return `${match[1]}/${database}${match[2] ?? ''}`;
}
