import type { DeliverySnapshot, DeliveryStatus, RiderLocationReport } from '@orderpulse/contracts';
import { locationUpdatedEvent } from './delivery-events.js';
import { withPosition } from './delivery-changes.js';
import { NoDeliveryInProgressError } from './delivery-errors.js';
import type { DeliveryUseCaseDeps } from './delivery-use-case-deps.js';
import { recordArrivalIfNear } from './record-arrival.js';
import { assertReportTimeInRange } from './report-time.js';
import { writeDeliveryChange } from './write-delivery-change.js';
import { recordPosition } from '../track/record-position.js';

/** The deliveries a rider's position is about: the ones on their way to the customer. */
export const IN_PROGRESS: readonly DeliveryStatus[] = ['picked_up', 'in_transit'];

/** More than a rider can carry; a bound so one report cannot turn into unbounded writes. */
const MAX_CARRIED = 50;

export interface LocationOutcome {
  /** Deliveries that took the position, at their new version. */
  updated: DeliverySnapshot[];
  /** Deliveries that already had this position or a newer one (a redelivered or late report). */
  unchanged: number;
}

/**
 * A rider's position applies to every delivery they have picked up or carry: each gets the
 * position, a fresh ETA and a delivery.location_updated event at its next version. A position
 * no newer than the one stored is a repeat (or arrived late) and changes nothing: a report sent
 * again (same report id) carries the same time, so the stored position's time is all the state
 * this needs. No delivery in progress, or a report dated outside the accepted window
 * (ReportTimeOutOfRangeError): refused. A stored position dated beyond the allowed clock skew
 * (written before that check existed) does not hold newer reports back. A position within the
 * arrival radius of the address then records "arriving" once (recordArrivalIfNear).
 */
export async function applyRiderLocation(deps: DeliveryUseCaseDeps, riderId: string, report: RiderLocationReport): Promise<LocationOutcome> {
  const now = deps.clock();
  assertReportTimeInRange(report.at, now, deps.reportTimeLimits);
  const carried = await deps.store.deliveries.list({ riderId, statuses: IN_PROGRESS, limit: MAX_CARRIED });
  if (carried.length === 0) throw new NoDeliveryInProgressError(riderId);
  const position = {
    lat: report.lat,
    lng: report.lng,
    ...(report.heading !== undefined ? { heading: report.heading } : {}),
    at: new Date(report.at).toISOString(),
  };
  const trustedUntil = now.getTime() + deps.reportTimeLimits.maxFutureSkewMs;
  const blocks = (stored: string) => Date.parse(stored) >= Date.parse(position.at) && Date.parse(stored) <= trustedUntil;
  const outcome: LocationOutcome = { updated: [], unchanged: 0 };
  for (const { id } of carried) {
    const result = await writeDeliveryChange(deps, id, (current) => {
      if (current.rider?.id !== riderId || !IN_PROGRESS.includes(current.status)) return { unchanged: 'no longer in progress for this rider' };
      if (current.lastPosition && blocks(current.lastPosition.at)) return { unchanged: 'position not newer' };
      const next = withPosition(current, position, now, deps.averageSpeedKmh);
      return { next, event: locationUpdatedEvent(next, riderId, position) };
    });
    if (!result.changed) {
      outcome.unchanged += 1;
      continue;
    }
    await recordPosition(deps, id, position);
    const arrived = await recordArrivalIfNear(deps, result.delivery);
    outcome.updated.push(arrived?.changed ? arrived.delivery : result.delivery);
  }
  return outcome;
}
