import type { DeliverySnapshot, DeliveryTrack } from '@orderpulse/contracts';
import { pruneHopHistory, type Logger } from '@orderpulse/service-kit';
import type { DeliveryUseCaseDeps } from '../domain/delivery-use-case-deps.js';
import { getDelivery } from '../domain/query-deliveries.js';
import type { TrackRetention } from './position-history.js';

export interface TrackDeps extends Pick<DeliveryUseCaseDeps, 'store' | 'positions' | 'hops'> {
  logger: Logger;
  trackRetention: TrackRetention;
}

/** A delivery's statuses and kept rider positions, for a replay. Unknown delivery: DeliveryNotFoundError. */
export async function getDeliveryTrack(deps: TrackDeps, deliveryId: string, known?: DeliverySnapshot): Promise<DeliveryTrack> {
  const delivery = known ?? (await getDelivery(deps, deliveryId));
  const points = deps.positions ? await deps.positions.list(delivery.id) : [];
  const { lat, lng } = delivery.address;
  return {
    deliveryId: delivery.id,
    orderId: delivery.orderId,
    status: delivery.status,
    rider: delivery.rider,
    history: delivery.history,
    destination: lat !== undefined && lng !== undefined ? { lat, lng } : null,
    points,
    kept: { maxPerDelivery: deps.trackRetention.maxPerDelivery, retentionDays: deps.trackRetention.retentionDays },
  };
}

/**
 * Drops the tracks, and the orders' hop times (issue 17 point 4), past their retention; started
 * by service.ts, every POSITION_HISTORY_PRUNE_MS. Returns how many tracks went.
 */
export async function pruneTracks(deps: TrackDeps & { clock: () => Date }): Promise<number> {
  await pruneHopHistory(deps, deps.trackRetention.retentionDays);
  if (!deps.positions) return 0;
  const cutoff = new Date(deps.clock().getTime() - deps.trackRetention.retentionDays * 86_400_000);
  const dropped = await deps.positions.pruneKeptBefore(cutoff);
  if (dropped > 0) deps.logger.info({ dropped, cutoff: cutoff.toISOString() }, 'rider positions past their retention dropped');
  return dropped;
}
