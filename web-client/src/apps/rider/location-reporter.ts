import type { LatLng } from '@orderpulse/contracts';
import { browserTimers, type Timers } from '../shared/timers.js';
import type { Fix } from './device-location.js';
import { DEFAULT_THROTTLE, LocationThrottle, type ThrottlePolicy } from './location-throttle.js';

/** Fixes worse than this (a cell-tower guess) would make the customer's map jump about. */
export const MAX_ACCURACY_M = 250;

export interface LocationReporterOptions {
  /** Queues a position report. */
  report(fix: Fix): void;
  /** Positions only matter while a parcel is on its way (delivery-service refuses them otherwise). */
  isCarrying(): boolean;
  policy?: ThrottlePolicy;
  timers?: Timers;
  now?: () => number;
}

/**
 * Turns the device's fixes into position reports: only while the rider carries a parcel, only
 * fixes accurate enough, and no more often than the throttle allows. A fix held back for being
 * too soon is sent when its time comes, unless a newer one replaced it.
 */
export class LocationReporter {
  private readonly throttle: LocationThrottle;
  private readonly timers: Timers;
  private readonly now: () => number;
  private latest: Fix | undefined;
  private timer: unknown;

  constructor(private readonly options: LocationReporterOptions) {
    this.throttle = new LocationThrottle(options.policy ?? DEFAULT_THROTTLE);
    this.timers = options.timers ?? browserTimers;
    this.now = options.now ?? (() => Date.now());
  }

  offer(fix: Fix): void {
    if (fix.accuracyM > MAX_ACCURACY_M) return;
    this.latest = fix;
    this.consider();
  }

  /**
   * A position went out another way (with a status report), or is already waiting from before a
   * reload (at `atMs`): it counts as sent, so the same place is not reported again.
   */
  alreadySent(point: LatLng, atMs: number = this.now()): void {
    this.throttle.sent(point, atMs);
  }

  private consider(): void {
    const fix = this.latest;
    if (!fix || this.timer !== undefined || !this.options.isCarrying()) return;
    const decision = this.throttle.offer(fix, this.now());
    if (decision.send) {
      this.latest = undefined;
      this.throttle.sent(fix, this.now());
      this.options.report(fix);
    } else if (decision.retryInMs !== undefined) {
      this.timer = this.timers.setTimeout(() => {
        this.timer = undefined;
        this.consider();
      }, decision.retryInMs);
    }
  }
}
