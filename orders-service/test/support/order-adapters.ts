import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OrderEvent } from '@orderpulse/contracts';
import { createLogger, type MongoOutboxOptions } from '@orderpulse/service-kit';
import { aTestDatabase, FERRETDB_CLIENT_POOL_SIZE } from '@orderpulse/service-kit/testing';
import type { OutboxStoreUnderTest } from '@orderpulse/service-kit/testing/suites';
import { createInMemoryOrderRepository } from '../../src/data-access/in-memory-order-repository.js';
import { connectMongoOrderRepository } from '../../src/data-access/mongo-order-repository.js';
import { openOrderRepository } from '../../src/data-access/open-order-repository.js';
import type { OrderRepository } from '../../src/data-access/order-repository.js';
import { anOrder, changedTo, createdEventOf } from './order-factories.js';

/** An adapter opened for one test, and how to remove whatever it stored. */
export interface OpenedOrderRepository {
  repository: OrderRepository;
  /** Another process's repository on the same data (shared stores only). */
  openPeer?: (outbox: MongoOutboxOptions) => Promise<OrderRepository>;
  dispose(): Promise<void>;
}

const silent = createLogger('orders-test', 'silent');

export async function openInMemory(): Promise<OpenedOrderRepository> {
  const repository = createInMemoryOrderRepository();
  return { repository, dispose: () => repository.close() };
}

export async function openJournaled(): Promise<OpenedOrderRepository> {
  const dir = mkdtempSync(join(tmpdir(), 'orders-journal-'));
  const repository = await openOrderRepository({ DATA_DIR: dir }, silent);
  return {
    repository,
    dispose: async () => {
      await repository.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh database per test on the MongoDB the global setup found. */
export async function openMongo(url: string): Promise<OpenedOrderRepository> {
  const database = aTestDatabase(url, 'orders');
  const dbName = database.name;
  const open = (outbox?: MongoOutboxOptions) =>
    connectMongoOrderRepository({ url, dbName, logger: silent, maxPoolSize: FERRETDB_CLIENT_POOL_SIZE, ...(outbox ? { outbox } : {}) });
  const repository = await open();
  return {
    repository,
    openPeer: open,
    dispose: async () => {
      await repository.close();
      await database.drop();
    },
  };
}

/** The outbox contract's view of an order repository: aggregates are orders, changes are status changes. */
export async function outboxUnderTest(opened: OpenedOrderRepository): Promise<OutboxStoreUnderTest<OrderEvent>> {
  const { repository, openPeer } = opened;
  return {
    store: repository,
    async writeNew(at) {
      const order = anOrder({ createdAt: at.toISOString() });
      const created = createdEventOf(order);
      await repository.insert(order, created);
      return { id: order.id, event: created };
    },
    async writeChange(id, fromVersion, at) {
      const stored = await repository.findById(id);
      const { next, event } = changedTo({ ...stored!.order, version: fromVersion }, 'confirmed', at.toISOString());
      if (!(await repository.update(next, fromVersion, event))) throw new Error(`order ${id} is not at version ${fromVersion}`);
      return event;
    },
    ...(openPeer ? { openPeer: (options: MongoOutboxOptions) => openPeer(options) } : {}),
    dispose: () => opened.dispose(),
  };
}
