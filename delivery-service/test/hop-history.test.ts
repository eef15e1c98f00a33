import { describe, expect, it } from '@jest/globals';
import { createLogger, HopKeeper } from '@orderpulse/service-kit';
import { aTestDatabase, FERRETDB_CLIENT_POOL_SIZE } from '@orderpulse/service-kit/testing';
import { describeHopHistoryContract, describeIfAvailable, mongoTestTarget } from '@orderpulse/service-kit/testing/suites';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createInMemoryDeliveryStore } from '../src/data-access/in-memory-delivery-store.js';
import { openJournaledDeliveryStore } from '../src/data-access/journaled-delivery-store.js';
import { connectMongoDeliveryStore } from '../src/data-access/mongo-delivery-store.js';
import { keepReceiptHop, MAX_HOP_RECEIPT_BYTES } from '../src/hops/hop-history.js';
import { pruneTracks } from '../src/track/get-delivery-track.js';
import { captureLogger } from './support/capture-logger.js';

const logger = createLogger('hop-history-test', 'silent');
const NOW = new Date('2026-11-26T12:00:00.000Z');

describeHopHistoryContract('delivery-service in memory', async (max) => {
  const store = createInMemoryDeliveryStore(undefined, undefined, undefined, undefined, max);
  return { hops: store.hops!, dispose: () => store.close() };
});

describeHopHistoryContract('delivery-service journaled files (reopened)', async (max) => {
  const dir = mkdtempSync(join(tmpdir(), 'delivery-hops-'));
  let store = openJournaledDeliveryStore(dir, undefined, max);
  return {
    hops: store.hops!,
    reopen: async () => {
      await store.close();
      store = openJournaledDeliveryStore(dir, undefined, max);
      return store.hops!;
    },
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const mongo = mongoTestTarget();
describeIfAvailable('hop history on MongoDB', 'missing' in mongo ? mongo.missing : undefined, () => {
  describeHopHistoryContract('delivery-service MongoDB', async (max) => {
    const url = (mongo as { url: string }).url;
    const database = aTestDatabase(url, 'delivery-hops');
    const store = await connectMongoDeliveryStore({ url, dbName: database.name, logger, maxPoolSize: FERRETDB_CLIENT_POOL_SIZE, maxHopsPerOrder: max });
    return {
      hops: store.hops!,
      dispose: async () => {
        await store.close();
        await database.drop();
      },
    };
  });
});

describe('hop receipts kept from admin/receipts/<orderId>', () => {
  it('when the broker and a device report a status change, then both are kept; bogus, oversized or misaddressed ones are not', async () => {
    const store = createInMemoryDeliveryStore();
    const { logger: captured, lines } = captureLogger();
    const keeper = new HopKeeper({ hops: store.hops, logger: captured, clock: () => NOW });
    const orderId = randomUUID();
    const topic = `admin/receipts/${orderId}`;
    const published = {
      hop: 'published',
      orderId,
      topic: `orders/${orderId}/status`,
      version: 2,
      publishedAt: '2026-11-26T11:59:59.000Z',
      pubackAt: '2026-11-26T11:59:59.010Z',
    };
    keepReceiptHop(keeper, captured, topic, Buffer.from(JSON.stringify(published)));
    keepReceiptHop(
      keeper,
      captured,
      topic,
      Buffer.from(
        JSON.stringify({ hop: 'device', orderId, topic: `orders/${orderId}/status`, version: 2, watching: true, deviceAckAt: '2026-11-26T11:59:59.030Z' }),
      ),
    );
    keepReceiptHop(keeper, captured, topic, Buffer.from('not json'));
    keepReceiptHop(
      keeper,
      captured,
      topic,
      Buffer.from(JSON.stringify({ ...published, version: 3, topic: `orders/${orderId}/status`, pad: 'x'.repeat(MAX_HOP_RECEIPT_BYTES) })),
    );
    keepReceiptHop(keeper, captured, `admin/receipts/${randomUUID()}`, Buffer.from(JSON.stringify({ ...published, version: 4 })));
    keepReceiptHop(keeper, captured, topic, Buffer.from(JSON.stringify({ ...published, version: 5, topic: `orders/${orderId}/location` })));
    await keeper.idle();
    expect(await store.hops!.list(orderId)).toEqual([
      { kind: 'status', version: 2, brokerAt: '2026-11-26T11:59:59.010Z', deviceAt: '2026-11-26T11:59:59.030Z', watching: true },
    ]);
    expect(lines.filter((l) => l.msg === 'a hop receipt that is not one was ignored')).toHaveLength(3);
  });

  it('when the track pruner runs, then hop times past the positions retention go with it', async () => {
    const store = createInMemoryDeliveryStore();
    const old = randomUUID();
    await store.hops!.record(old, 'status', 1, { writtenAt: '2026-10-01T00:00:00.000Z' }, new Date('2026-10-01T00:00:00.000Z'));
    await store.hops!.record(randomUUID(), 'status', 1, { writtenAt: '2026-11-26T00:00:00.000Z' }, NOW);
    await pruneTracks({
      store,
      positions: store.positions,
      hops: store.hops,
      logger,
      clock: () => NOW,
      trackRetention: { maxPerDelivery: 10, retentionDays: 30 },
    });
    expect(await store.hops!.list(old)).toEqual([]);
  });
});
