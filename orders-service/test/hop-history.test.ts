import { createLogger } from '@orderpulse/service-kit';
import { aTestDatabase, FERRETDB_CLIENT_POOL_SIZE } from '@orderpulse/service-kit/testing';
import { describeHopHistoryContract, describeIfAvailable, mongoTestTarget } from '@orderpulse/service-kit/testing/suites';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInMemoryOrderRepository } from '../src/data-access/in-memory-order-repository.js';
import { connectMongoOrderRepository } from '../src/data-access/mongo-order-repository.js';
import { openOrderRepository } from '../src/data-access/open-order-repository.js';

/** Issue 17 point 4: the confirm times orders-service keeps for replays, on each of its stores. */
const logger = createLogger('orders-hops-test', 'silent');

describeHopHistoryContract('orders-service in memory', async (max) => {
  const repository = createInMemoryOrderRepository(undefined, undefined, undefined, max);
  return { hops: repository.hops!, dispose: () => repository.close() };
});

describeHopHistoryContract('orders-service journaled files (reopened)', async (max) => {
  const dir = mkdtempSync(join(tmpdir(), 'orders-hops-'));
  let repository = await openOrderRepository({ DATA_DIR: dir }, logger, { maxHopsPerOrder: max });
  return {
    hops: repository.hops!,
    reopen: async () => {
      await repository.close();
      repository = await openOrderRepository({ DATA_DIR: dir }, logger, { maxHopsPerOrder: max });
      return repository.hops!;
    },
    dispose: async () => {
      await repository.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const mongo = mongoTestTarget();
describeIfAvailable('orders-service hop history on MongoDB', 'missing' in mongo ? mongo.missing : undefined, () => {
  describeHopHistoryContract('orders-service MongoDB', async (max) => {
    const url = (mongo as { url: string }).url;
    const database = aTestDatabase(url, 'orders-hops');
    const repository = await connectMongoOrderRepository({ url, dbName: database.name, logger, maxPoolSize: FERRETDB_CLIENT_POOL_SIZE, maxHopsPerOrder: max });
    return {
      hops: repository.hops!,
      dispose: async () => {
        await repository.close();
        await database.drop();
      },
    };
  });
});
