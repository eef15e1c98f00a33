import mongoose from 'mongoose';
import { DependencyUnavailableError, type Logger } from '@orderpulse/service-kit';
import type { DeliveryStore } from './delivery-store.js';
import { openMongoDeliveries } from './mongo-deliveries.js';
import { openMongoOrderDirectory } from './mongo-order-directory.js';
import { openMongoRiders } from './mongo-riders.js';

export interface MongoDeliveryStoreOptions {
  url: string;
  logger: Logger;
  /** Overrides the database named in the URL (tests use one database per run). */
  dbName?: string;
  connectTimeoutMs?: number;
}

const CONNECTED = 1;

export function redactMongoUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}

/** The MongoDB adapter, used whenever MONGO_URL is set. Rejects with one actionable line when MongoDB is down. */
export async function connectMongoDeliveryStore(options: MongoDeliveryStoreOptions): Promise<DeliveryStore> {
  const { url, logger } = options;
  const connection = mongoose.createConnection(url, {
    serverSelectionTimeoutMS: options.connectTimeoutMs ?? 5_000,
    ...(options.dbName ? { dbName: options.dbName } : {}),
  });
  try {
    await connection.asPromise();
  } catch (err) {
    await connection.close().catch(() => undefined);
    logger.debug({ err: (err as Error).message }, 'MongoDB connection failed');
    throw new DependencyUnavailableError(
      `MongoDB is not reachable at ${redactMongoUrl(url)}: start it (e.g. \`docker compose up mongo\`) ` +
        'or unset MONGO_URL to keep deliveries in memory',
    );
  }
  try {
    const store: DeliveryStore = {
      deliveries: await openMongoDeliveries(connection),
      riders: await openMongoRiders(connection),
      orders: await openMongoOrderDirectory(connection),
      isReady: () => connection.readyState === CONNECTED,
      close: () => connection.close(),
    };
    logger.info({ url: redactMongoUrl(url) }, 'connected to MongoDB');
    return store;
  } catch (err) {
    await connection.close().catch(() => undefined);
    throw err;
  }
}
