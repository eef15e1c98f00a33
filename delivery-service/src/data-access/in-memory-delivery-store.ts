import { createMapHopHistory, DEFAULT_HOPS_PER_ORDER, type KeptHopRow } from '@orderpulse/service-kit';
import type { Rider } from '@orderpulse/contracts';
import type { DeliveryStore, KnownOrder, StoredDelivery } from './delivery-store.js';
import { createInMemoryDeliveries } from './in-memory-deliveries.js';
import { createInMemoryOrderDirectory } from './in-memory-order-directory.js';
import { createInMemoryRiders } from './in-memory-riders.js';
import { createInMemoryProofFiles, type ProofFileStore } from './proof-files.js';
import { createMapPositionHistory, type KeptPoint } from '../track/position-history.js';
import { DEFAULT_TRACK_RETENTION } from '../track/track-settings.js';

/** Where the zero-setup store keeps its documents, by id. */
export interface DeliveryMaps {
  deliveries: Map<string, StoredDelivery>;
  riders: Map<string, Rider>;
  orders: Map<string, KnownOrder>;
  /** Rider positions kept for replay, one entry per point. */
  trackPoints?: Map<string, KeptPoint>;
  /** Hop times kept for replay, one entry per row. */
  hopRows?: Map<string, KeptHopRow>;
}

/** The zero-setup store over plain Maps (data lives as long as the process) or journaled ones. */
export function createInMemoryDeliveryStore(
  maps: DeliveryMaps = { deliveries: new Map(), riders: new Map(), orders: new Map() },
  onClose: () => void = () => undefined,
  proofFiles: ProofFileStore = createInMemoryProofFiles(),
  maxTrackPoints: number = DEFAULT_TRACK_RETENTION.maxPerDelivery,
  maxHopsPerOrder: number = DEFAULT_HOPS_PER_ORDER,
): DeliveryStore {
  let closed = false;
  return {
    deliveries: createInMemoryDeliveries(maps.deliveries),
    riders: createInMemoryRiders(maps.riders),
    orders: createInMemoryOrderDirectory(maps.orders),
    proofFiles,
    positions: createMapPositionHistory(maps.trackPoints ?? new Map<string, KeptPoint>(), { maxPerDelivery: maxTrackPoints }),
    hops: createMapHopHistory(maps.hopRows ?? new Map<string, KeptHopRow>(), maxHopsPerOrder),
    isReady: () => !closed,
    async close() {
      if (closed) return;
      closed = true;
      onClose();
    },
  };
}
