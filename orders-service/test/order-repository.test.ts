import { describe, it, expect } from '@jest/globals';
import { createLogger } from '@orderpulse/service-kit';
import { describeIfAvailable, describeOutboxStoreContract, mongoTestTarget } from '@orderpulse/service-kit/testing/suites';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openOrderRepository } from '../src/data-access/open-order-repository.js';
import { describeOrderRepositoryContract } from './support/order-repository-contract.js';
import { anOrder, createdEventOf } from './support/order-factories.js';
import { openInMemory, openJournaled, openMongo, outboxUnderTest } from './support/order-adapters.js';

describeOrderRepositoryContract('in-memory', openInMemory);
describeOutboxStoreContract('orders, in-memory', async () => outboxUnderTest(await openInMemory()));

describeOrderRepositoryContract('journaled (DATA_DIR)', openJournaled);
describeOutboxStoreContract('orders, journaled (DATA_DIR)', async () => outboxUnderTest(await openJournaled()));

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

const mongo = mongoTestTarget();
describeIfAvailable('orders-service on MongoDB', 'missing' in mongo ? mongo.missing : undefined, () => {
  const url = 'url' in mongo ? mongo.url : '';
  describeOrderRepositoryContract('mongoose', () => openMongo(url));
  describeOutboxStoreContract('orders, mongoose', async () => outboxUnderTest(await openMongo(url)));
});
