import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect } from '@jest/globals';
import mongoose from 'mongoose';
import { createLogger } from '@orderpulse/service-kit';
import { openOrderRepository } from '../src/data-access/open-order-repository.js';
import { createInMemoryOrderRepository } from '../src/data-access/in-memory-order-repository.js';
import { connectMongoOrderRepository } from '../src/data-access/mongo-order-repository.js';
import { describeOrderRepositoryContract } from './support/order-repository-contract.js';
import { anOrder, createdEventOf } from './support/order-factories.js';
import { aTestSchema, connectTestRepository, describePostgresSkipped, dropSchema, testPostgresUrl } from './support/postgres.js';

describeOrderRepositoryContract('in-memory', async () => {
  const repository = createInMemoryOrderRepository();
  return { repository, dispose: () => repository.close() };
});

describeOrderRepositoryContract('journaled (DATA_DIR)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'orders-journal-'));
  const repository = await openOrderRepository({ DATA_DIR: dir }, createLogger('orders-test', 'silent'));
  return {
    repository,
    dispose: async () => {
      await repository.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('journaled order repository (DATA_DIR)', () => {
  it('when reopened, then orders and their pending events are still there, and published ones are gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orders-journal-'));
    const logger = createLogger('orders-test', 'silent');
    try {
      const first = await openOrderRepository({ DATA_DIR: dir }, logger);
      const [orderA, orderB] = [anOrder(), anOrder()];
      const a = { order: orderA, created: createdEventOf(orderA) };
      const b = { order: orderB, created: createdEventOf(orderB) };
      await first.insert(a.order, a.created);
      await first.insert(b.order, b.created);
      await first.removePendingEvent(a.order.id, a.created.id);
      await first.close();

      const second = await openOrderRepository({ DATA_DIR: dir }, logger);
      expect((await second.findById(a.order.id))?.pendingEvents).toEqual([]);
      expect((await second.findById(b.order.id))?.pendingEvents.map((e) => e.id)).toEqual([b.created.id]);
      expect(await second.countPendingEvents()).toBe(1);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
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

const postgresUrl = testPostgresUrl();
if (postgresUrl) {
  describeOrderRepositoryContract('postgres', async () => {
    const schema = aTestSchema('orders_contract');
    const repository = await connectTestRepository(postgresUrl, schema);
    return {
      repository,
      dispose: async () => {
        await repository.close();
        await dropSchema(postgresUrl, schema);
      },
    };
  });
} else {
  describePostgresSkipped('the PostgreSQL order repository contract');
}
