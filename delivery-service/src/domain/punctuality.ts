import { deliveredAt, type DeliverySnapshot } from '@orderpulse/contracts';
import type { DeliveryUseCaseDeps } from './delivery-use-case-deps.js';

/** Issue 18 point 5: on-time rate and ETA accuracy over a period, from the stored deliveries. */
export interface PunctualityReport {
  from: string;
  to: string;
  /** Deliveries handed over in the period. */
  delivered: number;
  /** Of those, the ones with a promised window (older ones have none). */
  withWindow: number;
  onTime: number;
  late: number;
  /** onTime / withWindow, 0 to 1; null with nothing to measure. */
  onTimeRate: number | null;
  etaAccuracy: {
    /** Deliveries with an ETA at pickup. */
    measured: number;
    /** Mean of |arrival − ETA at pickup|, in minutes (one decimal); null with nothing measured. */
    meanAbsoluteErrorMinutes: number | null;
    /** Mean of arrival − ETA at pickup: positive when riders arrive later than predicted. */
    meanSignedErrorMinutes: number | null;
    /** Share of arrivals within 5 minutes of the ETA at pickup. */
    withinFiveMinutesRate: number | null;
  };
  /** True when the period held more than MAX_DELIVERIES_PER_REPORT deliveries and only the newest were counted. */
  truncated: boolean;
}

export const MAX_DELIVERIES_PER_REPORT = 20_000;
const round1 = (value: number) => Math.round(value * 10) / 10;
const ratio = (part: number, whole: number) => (whole ? Math.round((part / whole) * 1000) / 1000 : null);

export function punctualityOf(deliveries: readonly DeliverySnapshot[], from: Date, to: Date, truncated: boolean): PunctualityReport {
  let withWindow = 0;
  let onTime = 0;
  const errors: number[] = [];
  for (const delivery of deliveries) {
    const arrived = Date.parse(deliveredAt(delivery) ?? delivery.updatedAt);
    if (delivery.promisedWindow) {
      withWindow += 1;
      if (arrived <= Date.parse(delivery.promisedWindow.end)) onTime += 1;
    }
    if (delivery.etaAtPickup) errors.push((arrived - Date.parse(delivery.etaAtPickup.at)) / 60_000);
  }
  const mean = (values: number[]) => (values.length ? round1(values.reduce((a, b) => a + b, 0) / values.length) : null);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    delivered: deliveries.length,
    withWindow,
    onTime,
    late: withWindow - onTime,
    onTimeRate: ratio(onTime, withWindow),
    etaAccuracy: {
      measured: errors.length,
      meanAbsoluteErrorMinutes: mean(errors.map(Math.abs)),
      meanSignedErrorMinutes: mean(errors),
      withinFiveMinutesRate: ratio(errors.filter((e) => Math.abs(e) <= 5).length, errors.length),
    },
    truncated,
  };
}

export async function punctualityReport(deps: Pick<DeliveryUseCaseDeps, 'store'>, from: Date, to: Date): Promise<PunctualityReport> {
  const found = await deps.store.deliveries.deliveredBetween(from, to, MAX_DELIVERIES_PER_REPORT + 1);
  const truncated = found.length > MAX_DELIVERIES_PER_REPORT;
  return punctualityOf(truncated ? found.slice(0, MAX_DELIVERIES_PER_REPORT) : found, from, to, truncated);
}
