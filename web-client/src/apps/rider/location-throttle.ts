import { greatCircleKm, type LatLng } from '@orderpulse/contracts';

export interface ThrottlePolicy {
  /** Never two positions closer together in time than this. */
  minIntervalMs: number;
  /** Moved at least this far since the last position sent: send it. */
  minMoveMetres: number;
  /** Standing still, one position this often keeps the customer's "updated … ago" fresh. */
  maxQuietMs: number;
}

/** Riders move at up to ~15 m/s: every 2 s or 20 m keeps the map smooth without flooding anyone. */
export const DEFAULT_THROTTLE: ThrottlePolicy = { minIntervalMs: 2_000, minMoveMetres: 20, maxQuietMs: 30_000 };

export type ThrottleDecision = { send: true } | { send: false; retryInMs?: number };

/**
 * Decides which of the device's positions are worth sending: one that moved far enough or came
 * after a quiet spell, never sooner than `minIntervalMs` after the last one sent. A position
 * that is worth sending but too soon waits (`retryInMs`): the caller offers the newest position
 * again then, so the last place the rider reached is never held back.
 */
export class LocationThrottle {
  private last: { point: LatLng; atMs: number } | undefined;

  constructor(private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE) {}

  offer(point: LatLng, nowMs: number): ThrottleDecision {
    const last = this.last;
    if (!last) return { send: true };
    const elapsed = nowMs - last.atMs;
    const moved = greatCircleKm(last.point, point) * 1000 >= this.policy.minMoveMetres;
    if (!moved && elapsed < this.policy.maxQuietMs) return { send: false };
    if (elapsed < this.policy.minIntervalMs) return { send: false, retryInMs: this.policy.minIntervalMs - elapsed };
    return { send: true };
  }

  /** A position went out (as a position or with a status report). */
  sent(point: LatLng, nowMs: number): void {
    this.last = { point: { lat: point.lat, lng: point.lng }, atMs: nowMs };
  }
}
