import { DomainError } from '@orderpulse/service-kit';

/** How far a rider's clock may be ahead of ours, and how old a report may be, for it to count. */
export interface ReportTimeLimits {
  maxFutureSkewMs: number;
  maxAgeMs: number;
}

export type ReportTimeVerdict = 'future' | 'too_old';

/**
 * A rider report dated too far ahead of the server clock (a wrong device clock, or a forged
 * `at` meant to freeze the position: every later report would look older) or too far in the
 * past (not about a delivery on the road today). Nothing is written from it.
 */
export class ReportTimeOutOfRangeError extends DomainError {
  constructor(
    readonly verdict: ReportTimeVerdict,
    readonly at: string,
    readonly serverTime: string,
    limitSeconds: number,
  ) {
    super(
      'invalid',
      verdict === 'future'
        ? `report time ${at} is more than ${limitSeconds} s ahead of the server clock (${serverTime}); check the device clock`
        : `report time ${at} is more than ${limitSeconds} s before the server clock (${serverTime}); too old to apply`,
    );
  }
}

/** Throws ReportTimeOutOfRangeError unless `at` lies within [now - maxAge, now + maxFutureSkew]. */
export function assertReportTimeInRange(at: string, now: Date, limits: ReportTimeLimits): void {
  const offsetMs = Date.parse(at) - now.getTime();
  if (offsetMs > limits.maxFutureSkewMs) throw new ReportTimeOutOfRangeError('future', at, now.toISOString(), limits.maxFutureSkewMs / 1000);
  if (-offsetMs > limits.maxAgeMs) throw new ReportTimeOutOfRangeError('too_old', at, now.toISOString(), limits.maxAgeMs / 1000);
}
