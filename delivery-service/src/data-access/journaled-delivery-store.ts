import { join } from 'node:path';
import type { Rider } from '@orderpulse/contracts';
import { JournaledMap, type KeptHopRow } from '@orderpulse/service-kit';
import type { DeliveryStore, KnownOrder, StoredDelivery } from './delivery-store.js';
import { createInMemoryDeliveryStore } from './in-memory-delivery-store.js';
import { createFolderProofFiles } from './proof-files.js';
import type { KeptPoint } from '../track/position-history.js';

/**
 * The zero-setup store, journaled to `<dir>/*.jsonl` so deliveries, riders and known orders
 * (with their pending events) survive a restart without a database. One process per directory.
 */
export function openJournaledDeliveryStore(dir: string, maxTrackPoints?: number, maxHopsPerOrder?: number): DeliveryStore {
  const deliveries = JournaledMap.open<StoredDelivery>(join(dir, 'deliveries.jsonl'));
  const riders = JournaledMap.open<Rider>(join(dir, 'riders.jsonl'));
  const orders = JournaledMap.open<KnownOrder>(join(dir, 'known-orders.jsonl'));
  const trackPoints = JournaledMap.open<KeptPoint>(join(dir, 'track-points.jsonl'));
  const hopRows = JournaledMap.open<KeptHopRow>(join(dir, 'hop-rows.jsonl'));
  return createInMemoryDeliveryStore(
    { deliveries, riders, orders, trackPoints, hopRows },
    () => {
      deliveries.close();
      riders.close();
      orders.close();
      trackPoints.close();
      hopRows.close();
    },
    createFolderProofFiles(join(dir, 'proofs')),
    maxTrackPoints,
    maxHopsPerOrder,
  );
}
