import { canTransitionDelivery, type DeliveryHistoryEntry, type RiderStatusReport } from '@orderpulse/contracts';
import { snapshotEvent } from './delivery-events.js';
import { withStatus } from './delivery-changes.js';
import { DeliveryNotAssignedError, DeliveryNotFoundError, InvalidDeliveryTransitionError, ProofMissingError } from './delivery-errors.js';
import { proofSatisfied } from './proof-of-delivery.js';
import type { DeliveryUseCaseDeps } from './delivery-use-case-deps.js';
import { assertReportTimeInRange } from './report-time.js';
import { writeDeliveryChange, type DeliveryWriteResult } from './write-delivery-change.js';
import { recordPosition } from '../track/record-position.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface RiderStatus {
  riderId: string;
  deliveryId: string;
  report: RiderStatusReport;
}

/** Whether the history already holds this report: by its id, or (reports without one) by status and time. */
function alreadyApplied(history: readonly DeliveryHistoryEntry[], report: RiderStatusReport, at: string): boolean {
  if (report.reportId !== undefined && history.some((entry) => entry.reportId === report.reportId)) return true;
  return history.some((entry) => entry.status === report.status && entry.at === at);
}

/**
 * A rider's status report from the road. Refused (a domain error, nothing written) when the
 * delivery is unknown, not assigned to this rider, the transition is not allowed, "delivered"
 * comes before the proof the delivery needs (ProofMissingError), or the report
 * is dated outside the accepted window (ReportTimeOutOfRangeError). A report already in the
 * history (its report id, or its status and time) is a redelivery: a QoS 1 repeat, or the
 * device's offline queue sending again what the broker took before the acknowledgement was
 * lost. Nothing is written (`changed: false`). Statuses form no cycles, so this cannot hide a
 * real second report. The history entry keeps the report id, so the check needs no other state.
 */
export async function applyRiderStatusReport(deps: DeliveryUseCaseDeps, input: RiderStatus): Promise<DeliveryWriteResult> {
  const { riderId, deliveryId, report } = input;
  if (!UUID.test(deliveryId)) throw new DeliveryNotFoundError(deliveryId);
  const now = deps.clock();
  assertReportTimeInRange(report.at, now, deps.reportTimeLimits);
  const at = new Date(report.at).toISOString();
  const position = report.lat !== undefined && report.lng !== undefined ? { lat: report.lat, lng: report.lng, at } : undefined;
  const result = await writeDeliveryChange(deps, deliveryId, (current) => {
    if (current.rider?.id !== riderId) throw new DeliveryNotAssignedError(riderId, deliveryId);
    if (alreadyApplied(current.history, report, at)) return { unchanged: 'repeat of a report already applied' };
    if (!canTransitionDelivery(current.status, report.status)) throw new InvalidDeliveryTransitionError(current.status, report.status);
    if (report.status === 'delivered' && !proofSatisfied(current)) throw new ProofMissingError(current.id, current.proof?.required ?? 'none');
    const next = withStatus(
      current,
      {
        status: report.status,
        at,
        ...(report.note !== undefined ? { note: report.note } : {}),
        ...(position ? { position } : {}),
        ...(report.reportId !== undefined ? { reportId: report.reportId } : {}),
      },
      now,
      deps.averageSpeedKmh,
    );
    return { next, event: snapshotEvent('delivery.status_changed', next) };
  });
  if (result.changed && position) await recordPosition(deps, deliveryId, position);
  return result;
}
