import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeIfAvailable, describeOutboxStoreContract, mongoTestTarget } from '@orderpulse/service-kit/testing/suites';
import { openJournaledDeliveryStore } from '../src/data-access/journaled-delivery-store.js';
import { snapshotEvent } from '../src/domain/delivery-events.js';
import { describeDeliveryStoreContract } from './support/delivery-store-contract.js';
import { openInMemory, openJournaled, openMongo, outboxUnderTest } from './support/delivery-adapters.js';
import { aDelivery, anAddress, aRider } from './support/factories.js';

describeDeliveryStoreContract('in-memory', openInMemory);
describeOutboxStoreContract('deliveries, in-memory', async () => outboxUnderTest(await openInMemory()));

describeDeliveryStoreContract('journaled files', openJournaled);
describeOutboxStoreContract('deliveries, journaled files', async () => outboxUnderTest(await openJournaled()));

function aTempDir(): string {
  return mkdtempSync(join(tmpdir(), 'delivery-journal-'));
}

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

const mongo = mongoTestTarget();
describeIfAvailable('delivery-service on MongoDB', 'missing' in mongo ? mongo.missing : undefined, () => {
  const url = 'url' in mongo ? mongo.url : '';
  describeDeliveryStoreContract('mongoose', () => openMongo(url));
  describeOutboxStoreContract('deliveries, mongoose', async () => outboxUnderTest(await openMongo(url)));
});
