import { join } from 'node:path';
import { JournaledMap, type Logger } from '@orderpulse/service-kit';
import { createInMemoryOrderRepository } from './in-memory-order-repository.js';
import { connectMongoOrderRepository } from './mongo-order-repository.js';
import type { OrderRepository, StoredOrder } from './order-repository.js';
import { connectPostgresOrderRepository } from './postgres-order-repository.js';

export interface StoreSettings {
  MONGO_URL?: string | undefined;
  POSTGRES_URL?: string | undefined;
  POSTGRES_SCHEMA?: string | undefined;
  DATA_DIR?: string | undefined;
}

/**
 * MongoDB when MONGO_URL is given; else PostgreSQL when POSTGRES_URL is given; else memory
 * journaled to DATA_DIR; else memory, with a warning nobody can miss.
 */
export async function openOrderRepository(settings: StoreSettings, logger: Logger): Promise<OrderRepository> {
  if (settings.MONGO_URL) {
    // openMongoConnection logs the (redacted) URL it connected to.
    if (settings.POSTGRES_URL) logger.warn({ store: 'mongodb' }, 'both MONGO_URL and POSTGRES_URL are set: MONGO_URL wins, POSTGRES_URL is ignored');
    return connectMongoOrderRepository({ url: settings.MONGO_URL, logger });
  }
  if (settings.POSTGRES_URL) {
    return connectPostgresOrderRepository({
      url: settings.POSTGRES_URL,
      logger,
      ...(settings.POSTGRES_SCHEMA ? { schema: settings.POSTGRES_SCHEMA } : {}),
    });
  }
  if (settings.DATA_DIR) {
    const file = join(settings.DATA_DIR, 'orders-service', 'orders.jsonl');
    logger.warn(
      { store: 'journal', file },
      `neither MONGO_URL nor POSTGRES_URL is set: orders are kept in memory and journaled to ${file} (one process per file)`,
    );
    const orders = JournaledMap.open<StoredOrder>(file);
    return createInMemoryOrderRepository(orders, () => orders.close());
  }
  logger.warn(
    { store: 'in-memory' },
    'neither MONGO_URL nor POSTGRES_URL is set: orders are kept IN MEMORY ONLY and WILL NOT SURVIVE A RESTART (set MONGO_URL or POSTGRES_URL, or DATA_DIR for files)',
  );
  return createInMemoryOrderRepository();
}
