import { randomUUID } from 'node:crypto';
import { describe, it } from '@jest/globals';
import mongoose from 'mongoose';
import { createLogger } from '@orderpulse/service-kit';
import { createInMemoryOrderRepository } from '../src/data-access/in-memory-order-repository.js';
import { connectMongoOrderRepository } from '../src/data-access/mongo-order-repository.js';
import { describeOrderRepositoryContract } from './support/order-repository-contract.js';

describeOrderRepositoryContract('in-memory', async () => {
  const repository = createInMemoryOrderRepository();
  return { repository, dispose: () => repository.close() };
});

const mongoUrl = process.env.MONGO_URL;
if (mongoUrl) {
  describeOrderRepositoryContract('mongoose', async () => {
    const dbName = `orders-contract-${randomUUID().slice(0, 8)}`;
    const repository = await connectMongoOrderRepository({ url: mongoUrl, dbName, logger: createLogger('orders-test', 'silent') });
    return {
      repository,
      dispose: async () => {
        await repository.close();
        const admin = await mongoose.createConnection(mongoUrl, { dbName }).asPromise();
        await admin.dropDatabase();
        await admin.close();
      },
    };
  });
} else {
  const reason = process.env.ORDERPULSE_MONGO_SKIP ?? 'MONGO_URL is unset';
  console.warn(`orders-service: the mongoose order repository contract is SKIPPED: ${reason}`);
  describe.skip(`order repository contract: mongoose (skipped: ${reason})`, () => {
    it('runs the same contract against MongoDB', () => undefined);
  });
}
