import { join } from 'node:path';
import { JournaledMap, type KeptHopRow, type Logger } from '@orderpulse/service-kit';
import { createInMemoryOrderRepository } from './in-memory-order-repository.js';
import { connectMongoOrderRepository } from './mongo-order-repository.js';
import type { OrderRepository, StoredOrder } from './order-repository.js';

export interface StoreSettings {
  MONGO_URL?: string | undefined;
  MONGO_MAX_POOL_SIZE?: number | undefined;
  DATA_DIR?: string | undefined;
}

/** MongoDB when MONGO_URL is given; else memory journaled to DATA_DIR; else memory, with a warning nobody can miss. */
export async function openOrderRepository(settings: StoreSettings, logger: Logger, options: { maxHopsPerOrder?: number } = {}): Promise<OrderRepository> {
  // openMongoConnection logs the (redacted) URL it connected to.
  if (settings.MONGO_URL) {
    return connectMongoOrderRepository({
      url: settings.MONGO_URL,
      logger,
      ...(settings.MONGO_MAX_POOL_SIZE ? { maxPoolSize: settings.MONGO_MAX_POOL_SIZE } : {}),
      ...options,
    });
  }
  if (settings.DATA_DIR) {
    const file = join(settings.DATA_DIR, 'orders-service', 'orders.jsonl');
    logger.warn({ store: 'journal', file }, `MONGO_URL is not set: orders are kept in memory and journaled to ${file} (one process per file)`);
    const onCompactionFailed = (err: Error) =>
      logger.error(
        { store: 'journal', err: err.message },
        'journal compaction failed: the journal stays whole and grows until a retry succeeds; check free space in DATA_DIR',
      );
    const orders = JournaledMap.open<StoredOrder>(file, { onCompactionFailed });
    const hopRows = JournaledMap.open<KeptHopRow>(join(settings.DATA_DIR, 'orders-service', 'hop-rows.jsonl'), { onCompactionFailed });
    return createInMemoryOrderRepository(
      orders,
      () => {
        orders.close();
        hopRows.close();
      },
      hopRows,
      options.maxHopsPerOrder,
    );
  }
  logger.warn(
    { store: 'in-memory' },
    'MONGO_URL is not set: orders are kept IN MEMORY ONLY and WILL NOT SURVIVE A RESTART (set MONGO_URL, or DATA_DIR for files)',
  );
  return createInMemoryOrderRepository(undefined, undefined, undefined, options.maxHopsPerOrder);
}
