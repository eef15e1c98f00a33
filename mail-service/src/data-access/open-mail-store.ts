import type { Logger } from '@orderpulse/service-kit';
import { openJournaledMailStore } from './journaled-mail-store.js';
import { createInMemoryMailStore } from './in-memory-mail-store.js';
import type { MailStore } from './mail-store.js';
import { connectMongoMailStore } from './mongo-mail-store.js';

export interface MailStoreSettings {
  MONGO_URL?: string | undefined;
  MONGO_MAX_POOL_SIZE?: number | undefined;
  DATA_DIR?: string | undefined;
}

/** MongoDB when a URL is given; else files under DATA_DIR; else memory, with a warning nobody can miss. */
export async function openMailStore(settings: MailStoreSettings, logger: Logger): Promise<MailStore> {
  if (settings.MONGO_URL) {
    return connectMongoMailStore({ url: settings.MONGO_URL, logger, ...(settings.MONGO_MAX_POOL_SIZE ? { maxPoolSize: settings.MONGO_MAX_POOL_SIZE } : {}) });
  }
  if (settings.DATA_DIR) {
    const dir = `${settings.DATA_DIR.replace(/\/+$/, '')}/mail-service`;
    logger.warn({ store: 'journal', dir }, `MONGO_URL is not set: the sent-mail ledger is kept in memory and journaled to ${dir} (one process per directory)`);
    return openJournaledMailStore(dir);
  }
  logger.warn(
    { store: 'in-memory' },
    'MONGO_URL is not set: the sent-mail ledger is kept IN MEMORY ONLY; after a restart mails may go out again and unsent ones are lost (set MONGO_URL, or DATA_DIR for files)',
  );
  return createInMemoryMailStore();
}
