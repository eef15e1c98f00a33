import type { DeliveryEvent, DeliverySnapshot } from '@orderpulse/contracts';
import { ConcurrentDeliveryUpdateError, DeliveryNotFoundError } from './delivery-errors.js';
import type { DeliveryUseCaseDeps } from './delivery-use-case-deps.js';
import { followUpLateness } from './lateness.js';
import { followUpStops } from './rider-stops.js';

/** What to do with the delivery as read: write `next` with its event, or leave it (`unchanged` says why). */
export type DeliveryPlan = { next: DeliverySnapshot; event: DeliveryEvent } | { unchanged: string };

export type DeliveryWriteResult =
  { changed: true; delivery: DeliverySnapshot; event: DeliveryEvent } | { changed: false; delivery: DeliverySnapshot; why: string };

const MAX_ATTEMPTS = 5;

/**
 * Read the delivery, let `plan` decide (it may throw a domain error), then write the new state
 * and its event in one update guarded by the version that was read. If another writer got there
 * first, plan again from a fresh read.
 */
export async function writeDeliveryChange(
  deps: Pick<DeliveryUseCaseDeps, 'store' | 'outbox' | 'logger'> & Partial<Pick<DeliveryUseCaseDeps, 'clock'>>,
  deliveryId: string,
  plan: (current: DeliverySnapshot) => DeliveryPlan,
): Promise<DeliveryWriteResult> {
  const { store, outbox, logger } = deps;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const stored = await store.deliveries.findById(deliveryId);
    if (!stored) throw new DeliveryNotFoundError(deliveryId);
    const current = stored.delivery;
    const decided = plan(current);
    if ('unchanged' in decided) return { changed: false, delivery: current, why: decided.unchanged };
    const { next, event } = decided;
    if (await store.deliveries.update(next, current.version, event)) {
      logger.info(
        { deliveryId, orderId: next.orderId, riderId: next.rider?.id, eventId: event.id, type: event.type, status: next.status, version: next.version },
        'delivery changed',
      );
      outbox.kick(deliveryId);
      // Issue 18 point 5: a change that makes the delivery late (an ETA past the window's end) is followed by delivery.late, once.
      if (event.type !== 'delivery.late' && deps.clock) await followUpLateness({ ...deps, clock: deps.clock }, next);
      // Issue 18 point 6: a stop done, failed or handed to another rider moves the rider's other stops up.
      if (event.type !== 'delivery.stops_changed' && deps.clock) await followUpStops({ ...deps, clock: deps.clock }, current, next);
      return { changed: true, delivery: next, event };
    }
    logger.debug({ deliveryId, expectedVersion: current.version, attempt }, 'delivery changed concurrently; re-reading');
  }
  throw new ConcurrentDeliveryUpdateError(deliveryId, MAX_ATTEMPTS);
}
