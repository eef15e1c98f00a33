import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeliveryEvent } from '@orderpulse/contracts';
import { createLogger, type MongoOutboxOptions } from '@orderpulse/service-kit';
import { aTestDatabase, FERRETDB_CLIENT_POOL_SIZE } from '@orderpulse/service-kit/testing';
import type { OutboxStoreUnderTest } from '@orderpulse/service-kit/testing/suites';
import type { DeliveryStore } from '../../src/data-access/delivery-store.js';
import { createInMemoryDeliveryStore } from '../../src/data-access/in-memory-delivery-store.js';
import { openJournaledDeliveryStore } from '../../src/data-access/journaled-delivery-store.js';
import { connectMongoDeliveryStore } from '../../src/data-access/mongo-delivery-store.js';
import { snapshotEvent } from '../../src/domain/delivery-events.js';
import { aDelivery, changed } from './factories.js';

/** A store opened for one test, and how to remove whatever it stored. */
export interface OpenedDeliveryStore {
  store: DeliveryStore;
  /** Another process's store on the same data (shared stores only). */
  openPeer?: (outbox: MongoOutboxOptions) => Promise<DeliveryStore>;
  dispose(): Promise<void>;
}

export async function openInMemory(): Promise<OpenedDeliveryStore> {
  const store = createInMemoryDeliveryStore();
  return { store, dispose: () => store.close() };
}

export async function openJournaled(): Promise<OpenedDeliveryStore> {
  const dir = mkdtempSync(join(tmpdir(), 'delivery-journal-'));
  const store = openJournaledDeliveryStore(dir);
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh database per test on the MongoDB the global setup found. */
export async function openMongo(url: string): Promise<OpenedDeliveryStore> {
  const database = aTestDatabase(url, 'delivery');
  const dbName = database.name;
  const logger = createLogger('delivery-test', 'silent');
  const open = (outbox?: MongoOutboxOptions) =>
    connectMongoDeliveryStore({ url, dbName, logger, maxPoolSize: FERRETDB_CLIENT_POOL_SIZE, ...(outbox ? { outbox } : {}) });
  const store = await open();
  return {
    store,
    openPeer: open,
    dispose: async () => {
      await store.close();
      await database.drop();
    },
  };
}

/** The outbox contract's view of a delivery store: aggregates are deliveries, changes are status changes. */
export async function outboxUnderTest(opened: OpenedDeliveryStore): Promise<OutboxStoreUnderTest<DeliveryEvent>> {
  const { deliveries } = opened.store;
  const { openPeer } = opened;
  return {
    store: deliveries,
    async writeNew(at) {
      const delivery = aDelivery({ createdAt: at.toISOString(), updatedAt: at.toISOString() });
      const created = { ...snapshotEvent('delivery.created', delivery), occurredAt: at.toISOString() };
      await deliveries.insert(delivery, created);
      return { id: delivery.id, event: created };
    },
    async writeChange(id, fromVersion, at) {
      const stored = await deliveries.findById(id);
      const { next, event } = changed({ ...stored!.delivery, version: fromVersion }, 'assigned', at.toISOString());
      const timed = { ...event, occurredAt: at.toISOString() };
      if (!(await deliveries.update(next, fromVersion, timed))) throw new Error(`delivery ${id} is not at version ${fromVersion}`);
      return timed;
    },
    ...(openPeer
      ? {
          openPeer: async (options: MongoOutboxOptions) => {
            const peer = await openPeer(options);
            return Object.assign(peer.deliveries, { close: () => peer.close() });
          },
        }
      : {}),
    dispose: () => opened.dispose(),
  };
}
