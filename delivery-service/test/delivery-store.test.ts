import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import mongoose from 'mongoose';
import { createLogger } from '@orderpulse/service-kit';
import { createInMemoryDeliveryStore } from '../src/data-access/in-memory-delivery-store.js';
import { openJournaledDeliveryStore } from '../src/data-access/journaled-delivery-store.js';
import { connectMongoDeliveryStore } from '../src/data-access/mongo-delivery-store.js';
import { snapshotEvent } from '../src/domain/delivery-events.js';
import { describeDeliveryStoreContract } from './support/delivery-store-contract.js';
import { aDelivery, anAddress, aRider } from './support/factories.js';

describeDeliveryStoreContract('in-memory', async () => {
  const store = createInMemoryDeliveryStore();
  return { store, dispose: () => store.close() };
});

function aTempDir(): string {
  return mkdtempSync(join(tmpdir(), 'delivery-journal-'));
}

describeDeliveryStoreContract('journaled files', async () => {
  const dir = aTempDir();
  const store = openJournaledDeliveryStore(dir);
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('journaled delivery store', () => {
  it('when reopened, then deliveries with their pending events, riders and known orders are all still there', async () => {
    const dir = aTempDir();
    try {
      const first = openJournaledDeliveryStore(dir);
      const kept = aDelivery();
      const published = aDelivery();
      const keptCreated = snapshotEvent('delivery.created', kept);
      const publishedCreated = snapshotEvent('delivery.created', published);
      await first.deliveries.insert(kept, keptCreated);
      await first.deliveries.insert(published, publishedCreated);
      await first.deliveries.removePendingEvent(published.id, publishedCreated.id);
      const rider = aRider();
      await first.riders.insert(rider);
      const order = { orderId: kept.orderId, orderNumber: kept.orderNumber, address: anAddress() };
      await first.orders.remember(order);
      await first.close();

      const second = openJournaledDeliveryStore(dir);
      expect(await second.deliveries.findById(kept.id)).toEqual({ delivery: kept, pendingEvents: [keptCreated] });
      expect(await second.deliveries.findById(published.id)).toEqual({ delivery: published, pendingEvents: [] });
      expect(await second.deliveries.idsWithPendingEvents(10)).toEqual([kept.id]);
      expect(await second.riders.list()).toEqual([rider]);
      expect(await second.orders.find(order.orderId)).toEqual(order);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const mongoUrl = process.env.MONGO_URL;
if (mongoUrl) {
  describeDeliveryStoreContract('mongoose', async () => {
    const dbName = `delivery-contract-${randomUUID().slice(0, 8)}`;
    const store = await connectMongoDeliveryStore({ url: mongoUrl, dbName, logger: createLogger('delivery-test', 'silent') });
    return {
      store,
      dispose: async () => {
        await store.close();
        const admin = await mongoose.createConnection(mongoUrl, { dbName }).asPromise();
        await admin.dropDatabase();
        await admin.close();
      },
    };
  });
} else {
  const reason = process.env.ORDERPULSE_MONGO_SKIP ?? 'MONGO_URL is unset';
  console.warn(`delivery-service: the mongoose delivery store contract is SKIPPED: ${reason}`);
  describe.skip(`delivery store contract: mongoose (skipped: ${reason})`, () => {
    it('runs the same contract against MongoDB', () => undefined);
  });
}
