import type { DeliverySnapshot, DeliveryStatus } from '@orderpulse/contracts';
import { DomainError } from '@orderpulse/service-kit';
import { snapshotEvent } from './delivery-events.js';
import type { DeliveryUseCaseDeps } from './delivery-use-case-deps.js';
import { writeDeliveryChange } from './write-delivery-change.js';

/**
 * Issue 18 point 6. A rider's stops: the deliveries they carry, in the order they were given them
 * (or the order the dispatcher set). Each delivery keeps `stopsBefore`, how many of them come
 * first; the notifier puts that count, and nothing else about the other stops, on that customer's
 * tracking topic.
 */
export const CARRIED: readonly DeliveryStatus[] = ['assigned', 'picked_up', 'in_transit'];
/** More stops than a rider carries; a bound on what one change rewrites. */
export const MAX_STOPS = 50;

type StopsDeps = Pick<DeliveryUseCaseDeps, 'store' | 'outbox' | 'logger' | 'clock'>;

function assignedAt(delivery: DeliverySnapshot): number {
  for (let i = delivery.history.length - 1; i >= 0; i -= 1) if (delivery.history[i]!.status === 'assigned') return Date.parse(delivery.history[i]!.at);
  return Date.parse(delivery.createdAt);
}

/** The sort key: the rank given at assignment or by the dispatcher, else when it was assigned. */
export function stopKey(delivery: DeliverySnapshot): number {
  return delivery.stopRank ?? assignedAt(delivery);
}

export function inStopOrder(deliveries: readonly DeliverySnapshot[]): DeliverySnapshot[] {
  // Ties (given at the same moment): the older delivery first, then the id.
  return [...deliveries].sort(
    (a, b) => stopKey(a) - stopKey(b) || Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

function carriedBy(deps: Pick<DeliveryUseCaseDeps, 'store'>, riderId: string): Promise<DeliverySnapshot[]> {
  return deps.store.deliveries.list({ riderId, statuses: CARRIED, limit: MAX_STOPS });
}

/** For an assignment: the new delivery goes last among the rider's stops. */
export async function lastStopFor(
  deps: Pick<DeliveryUseCaseDeps, 'store' | 'clock'>,
  riderId: string,
  deliveryId: string,
): Promise<{ stopRank: number; stopsBefore: number }> {
  const others = (await carriedBy(deps, riderId)).filter((d) => d.id !== deliveryId);
  const stopRank = Math.max(deps.clock().getTime(), ...others.map((d) => stopKey(d) + 1));
  return { stopRank, stopsBefore: others.length };
}

/**
 * Gives each of the rider's stops its count of stops before it (and, from the dispatcher, a new
 * rank), writing only those that change, each with delivery.stops_changed. Resolves with how many
 * changed.
 */
export async function refreshRiderStops(deps: StopsDeps, riderId: string, ranks?: ReadonlyMap<string, number>): Promise<number> {
  const ranked = (await carriedBy(deps, riderId)).map((d) => (ranks?.has(d.id) ? { ...d, stopRank: ranks.get(d.id)! } : d));
  let changed = 0;
  for (const [index, delivery] of inStopOrder(ranked).entries()) {
    const rank = ranks?.get(delivery.id);
    const result = await writeDeliveryChange(deps, delivery.id, (current) => {
      if (current.rider?.id !== riderId || !CARRIED.includes(current.status)) return { unchanged: 'no longer one of this rider’s stops' };
      if (current.stopsBefore === index && (rank === undefined || current.stopRank === rank)) return { unchanged: 'same place' };
      const at = deps.clock().toISOString();
      const next: DeliverySnapshot = {
        ...current,
        stopsBefore: index,
        ...(rank !== undefined ? { stopRank: rank } : {}),
        version: current.version + 1,
        updatedAt: at,
      };
      return { next, event: snapshotEvent('delivery.stops_changed', next) };
    });
    if (result.changed) changed += 1;
  }
  if (changed) deps.logger.info({ riderId, changed }, 'rider stops renumbered');
  return changed;
}

/** After another change (a stop done or failed, a delivery handed to another rider): the rider's other stops move up. Failures are logged. */
export async function followUpStops(deps: StopsDeps, current: DeliverySnapshot, next: DeliverySnapshot): Promise<void> {
  const riders = new Set<string>();
  const left = CARRIED.includes(current.status) && !CARRIED.includes(next.status);
  if (left && current.rider) riders.add(current.rider.id);
  if (current.rider && current.rider.id !== next.rider?.id) riders.add(current.rider.id);
  for (const riderId of riders) {
    try {
      await refreshRiderStops(deps, riderId);
    } catch (err) {
      deps.logger.warn({ err, riderId, deliveryId: next.id, orderId: next.orderId }, "could not renumber the rider's stops; the next change will");
    }
  }
}

export class StopsMismatchError extends DomainError {
  constructor(riderId: string, expected: string[]) {
    super('conflict', `the stop order must list each of rider ${riderId}'s ${expected.length} open deliveries once`, {
      code: 'stops_mismatch',
      details: { deliveryIds: expected },
    });
  }
}

export interface RiderStop {
  deliveryId: string;
  orderNumber: string;
  status: DeliveryStatus;
  stopsBefore: number;
}

/** The rider's stops in order. */
export async function riderStops(deps: Pick<DeliveryUseCaseDeps, 'store'>, riderId: string): Promise<RiderStop[]> {
  return inStopOrder(await carriedBy(deps, riderId)).map((d, index) => ({
    deliveryId: d.id,
    orderNumber: d.orderNumber,
    status: d.status,
    stopsBefore: index,
  }));
}

/** The dispatcher sets the order of a rider's stops: every open delivery of the rider, once (409 otherwise). */
export async function setRiderStops(deps: StopsDeps, riderId: string, deliveryIds: readonly string[]): Promise<RiderStop[]> {
  const open = inStopOrder(await carriedBy(deps, riderId));
  const expected = open.map((d) => d.id);
  const asked = new Set(deliveryIds);
  if (asked.size !== deliveryIds.length || asked.size !== expected.length || expected.some((id) => !asked.has(id)))
    throw new StopsMismatchError(riderId, expected);
  // Ranks below any later assignment's (those take the clock), in the order asked.
  const base = Math.min(...open.map(stopKey));
  await refreshRiderStops(deps, riderId, new Map(deliveryIds.map((id, index) => [id, base + index])));
  return riderStops(deps, riderId);
}
