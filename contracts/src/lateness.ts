import type { DeliverySnapshot } from './delivery.js';
import type { DeliveryStatus } from './delivery-status.js';

/**
 * Issue 18 point 5. Where a delivery stands against the window promised to the customer:
 * - `late`: not delivered and the window's end has passed, or the ETA falls after the window's end
 *   (or it was delivered after the end: `delivered_late`);
 * - `at_risk`: still open and the ETA (or, without an ETA, the clock) is within `atRiskMinutes` of the end;
 * - `on_time`, or `unknown` when the delivery has no window.
 */
export type LatenessState = 'late' | 'at_risk' | 'on_time' | 'delivered_on_time' | 'delivered_late' | 'failed' | 'unknown';

export interface Lateness {
  state: LatenessState;
  /** How far past the window's end the ETA (or now, or the arrival) is, in whole minutes; negative when ahead of it. Null without a window. */
  minutesLate: number | null;
}

export const DEFAULT_AT_RISK_MINUTES = 10;
const OPEN: readonly DeliveryStatus[] = ['awaiting_assignment', 'assigned', 'picked_up', 'in_transit'];

/** When the delivery was handed over (its last `delivered` history entry), if it was. */
export function deliveredAt(delivery: Pick<DeliverySnapshot, 'history'>): string | undefined {
  for (let i = delivery.history.length - 1; i >= 0; i -= 1) if (delivery.history[i]!.status === 'delivered') return delivery.history[i]!.at;
  return undefined;
}

export function latenessOf(
  delivery: Pick<DeliverySnapshot, 'status' | 'history' | 'eta' | 'promisedWindow'>,
  now: Date,
  atRiskMinutes: number = DEFAULT_AT_RISK_MINUTES,
): Lateness {
  const window = delivery.promisedWindow;
  if (!window) return { state: delivery.status === 'failed' ? 'failed' : 'unknown', minutesLate: null };
  const end = Date.parse(window.end);
  const minutesPast = (at: number) => Math.round((at - end) / 60_000);
  if (delivery.status === 'delivered') {
    const arrived = Date.parse(deliveredAt(delivery) ?? new Date(now).toISOString());
    return { state: arrived > end ? 'delivered_late' : 'delivered_on_time', minutesLate: minutesPast(arrived) };
  }
  if (!OPEN.includes(delivery.status)) return { state: 'failed', minutesLate: null };
  // The later of now and the ETA is when the parcel can arrive at the earliest.
  const expected = Math.max(now.getTime(), delivery.eta ? Date.parse(delivery.eta.at) : 0);
  if (expected > end) return { state: 'late', minutesLate: minutesPast(expected) };
  if (expected > end - atRiskMinutes * 60_000) return { state: 'at_risk', minutesLate: minutesPast(expected) };
  return { state: 'on_time', minutesLate: minutesPast(expected) };
}
