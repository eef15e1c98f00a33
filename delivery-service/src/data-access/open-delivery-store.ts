import type { Logger } from '@orderpulse/service-kit';
import type { DeliveryStore } from './delivery-store.js';
import { createInMemoryDeliveryStore } from './in-memory-delivery-store.js';
import { openJournaledDeliveryStore } from './journaled-delivery-store.js';
import { connectMongoDeliveryStore } from './mongo-delivery-store.js';

export interface StoreSettings {
  MONGO_URL?: string | undefined;
  MONGO_MAX_POOL_SIZE?: number | undefined;
  DATA_DIR?: string | undefined;
  /** Rider positions kept per delivery for replay. */
  POSITION_HISTORY_MAX_PER_DELIVERY?: number | undefined;
}

/** MongoDB when a URL is given; else files under DATA_DIR; else memory, with a warning nobody can miss. */
export async function openDeliveryStore(settings: StoreSettings, logger: Logger): Promise<DeliveryStore> {
  if (settings.MONGO_URL) {
    return connectMongoDeliveryStore({
      url: settings.MONGO_URL,
      logger,
      ...(settings.MONGO_MAX_POOL_SIZE ? { maxPoolSize: settings.MONGO_MAX_POOL_SIZE } : {}),
      ...(settings.POSITION_HISTORY_MAX_PER_DELIVERY ? { maxTrackPoints: settings.POSITION_HISTORY_MAX_PER_DELIVERY } : {}),
    });
  }
  if (settings.DATA_DIR) {
    const dir = `${settings.DATA_DIR.replace(/\/+$/, '')}/delivery-service`;
    logger.warn(
      { store: 'journal', dir },
      `MONGO_URL is not set: deliveries and riders are kept in memory and journaled to ${dir} (one process per directory)`,
    );
    return openJournaledDeliveryStore(dir, settings.POSITION_HISTORY_MAX_PER_DELIVERY);
  }
  logger.warn(
    { store: 'in-memory' },
    'MONGO_URL is not set: deliveries and riders are kept IN MEMORY ONLY and WILL NOT SURVIVE A RESTART (set MONGO_URL, or DATA_DIR for files)',
  );
  return createInMemoryDeliveryStore(undefined, undefined, undefined, settings.POSITION_HISTORY_MAX_PER_DELIVERY);
}
