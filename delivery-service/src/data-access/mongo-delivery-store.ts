import { isMongoConnected, openMongoConnection, type Logger } from '@orderpulse/service-kit';
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

/** The MongoDB adapter, used whenever MONGO_URL is set. Rejects with one actionable line when MongoDB is down. */
export async function connectMongoDeliveryStore(options: MongoDeliveryStoreOptions): Promise<DeliveryStore> {
  const connection = await openMongoConnection({ ...options, whatIsKept: 'deliveries' });
  try {
    const store: DeliveryStore = {
      deliveries: await openMongoDeliveries(connection),
      riders: await openMongoRiders(connection),
      orders: await openMongoOrderDirectory(connection),
      isReady: () => isMongoConnected(connection),
      close: () => connection.close(),
    };
    return store;
  } catch (err) {
    await connection.close().catch(() => undefined);
    throw err;
  }
}
