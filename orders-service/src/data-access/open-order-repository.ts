import type { Logger } from '@orderpulse/service-kit';
import { createInMemoryOrderRepository } from './in-memory-order-repository.js';
import { connectMongoOrderRepository } from './mongo-order-repository.js';
import type { OrderRepository } from './order-repository.js';

/** MongoDB when a URL is given; otherwise memory, with a warning nobody can miss. */
export async function openOrderRepository(mongoUrl: string | undefined, logger: Logger): Promise<OrderRepository> {
  if (mongoUrl) return connectMongoOrderRepository({ url: mongoUrl, logger });
  logger.warn(
    { store: 'in-memory' },
    'MONGO_URL is not set: orders are kept IN MEMORY ONLY and WILL NOT SURVIVE A RESTART (set MONGO_URL to keep them)',
  );
  return createInMemoryOrderRepository();
}
