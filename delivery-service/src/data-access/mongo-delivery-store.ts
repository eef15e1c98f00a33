import { isMongoConnected, openMongoConnection, openMongoHopHistory, reportStoreOutages, type Logger, type MongoOutboxOptions } from '@orderpulse/service-kit';
import type { DeliveryStore } from './delivery-store.js';
import { openMongoDeliveries } from './mongo-deliveries.js';
import { openMongoOrderDirectory } from './mongo-order-directory.js';
import { openMongoRiders } from './mongo-riders.js';
import { openMongoProofFiles } from './proof-files.js';
import { openMongoPositionHistory } from '../track/mongo-position-history.js';
import { DEFAULT_TRACK_RETENTION } from '../track/track-settings.js';

export interface MongoDeliveryStoreOptions {
  url: string;
  logger: Logger;
  /** Overrides the database named in the URL (tests use one database per run). */
  dbName?: string;
  connectTimeoutMs?: number;
  maxPoolSize?: number;
  outbox?: MongoOutboxOptions;
  /** Rider positions kept per delivery for replay (the newest). */
  maxTrackPoints?: number;
  /** Hop rows kept per order for replay (tests use a small bound). */
  maxHopsPerOrder?: number;
}

/**
 * The MongoDB adapter, used whenever MONGO_URL is set; several delivery-services may share one
 * database. Rejects with one actionable line when MongoDB is down at start; later outages come
 * out as StoreUnavailableError (HTTP 503; rider reports stay unacknowledged and come again).
 */
export async function connectMongoDeliveryStore(options: MongoDeliveryStoreOptions): Promise<DeliveryStore> {
  const connection = await openMongoConnection({ ...options, whatIsKept: 'deliveries' });
  try {
    const store: DeliveryStore = {
      deliveries: reportStoreOutages(await openMongoDeliveries(connection, options.outbox), 'MongoDB'),
      riders: reportStoreOutages(await openMongoRiders(connection), 'MongoDB'),
      orders: reportStoreOutages(await openMongoOrderDirectory(connection), 'MongoDB'),
      proofFiles: reportStoreOutages(openMongoProofFiles(connection), 'MongoDB'),
      positions: reportStoreOutages(
        await openMongoPositionHistory(connection, { maxPerDelivery: options.maxTrackPoints ?? DEFAULT_TRACK_RETENTION.maxPerDelivery }),
        'MongoDB',
      ),
      hops: reportStoreOutages(await openMongoHopHistory(connection, options.maxHopsPerOrder), 'MongoDB'),
      isReady: () => isMongoConnected(connection),
      close: () => connection.close(),
    };
    return store;
  } catch (err) {
    await connection.close().catch(() => undefined);
    throw err;
  }
}
