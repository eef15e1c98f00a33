import { greatCircleKm, type LatLng, type RiderLocationReport } from '@orderpulse/contracts';
import { browserTimers, type Timers } from '../shared/timers.js';

/** Where a simulated ride starts when the rider has no position yet: about 1 km north-east. */
const DEFAULT_START_OFFSET = { lat: 0.0065, lng: 0.0095 };
/** Distance covered per step (a step every 2 s: about 27 km/h, a bicycle in town). */
const STEP_KM = 0.015;
/** No faster than the device's own positions go out (location-throttle.ts). */
const DEFAULT_INTERVAL_MS = 2_000;

/** Initial bearing from `a` to `b`, degrees clockwise from north, in [0, 360). */
export function bearingDegrees(a: LatLng, b: LatLng): number {
  const rad = Math.PI / 180;
  const y = Math.sin((b.lng - a.lng) * rad) * Math.cos(b.lat * rad);
  const x = Math.cos(a.lat * rad) * Math.sin(b.lat * rad) - Math.sin(a.lat * rad) * Math.cos(b.lat * rad) * Math.cos((b.lng - a.lng) * rad);
  return (((Math.atan2(y, x) / rad) % 360) + 360) % 360;
}

/** Points from `from` (or a default start near `to`) to `to`, about STEP_KM apart, both ends included. */
export function planRide(to: LatLng, from?: LatLng, stepKm = STEP_KM): LatLng[] {
  const start = from ?? { lat: to.lat + DEFAULT_START_OFFSET.lat, lng: to.lng + DEFAULT_START_OFFSET.lng };
  const steps = Math.max(1, Math.ceil(greatCircleKm(start, to) / stepKm));
  const round = (n: number) => Math.round(n * 1e6) / 1e6;
  return Array.from({ length: steps + 1 }, (_, i) => ({
    lat: round(start.lat + ((to.lat - start.lat) * i) / steps),
    lng: round(start.lng + ((to.lng - start.lng) * i) / steps),
  }));
}

export interface RideSimulatorOptions {
  publish(report: RiderLocationReport): void;
  /** After every step and when the ride starts or stops. */
  onChange?(): void;
  intervalMs?: number;
  timers?: Timers;
  now?: () => number;
}

/** Walks a planned ride one point per interval, reporting each as the rider's location. */
export class RideSimulator {
  private route: LatLng[] = [];
  private index = 0;
  private timer: unknown;
  private last: RiderLocationReport | undefined;
  private readonly timers: Timers;
  private readonly now: () => number;

  constructor(private readonly options: RideSimulatorOptions) {
    this.timers = options.timers ?? browserTimers;
    this.now = options.now ?? (() => Date.now());
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  /** The last position reported. */
  get position(): RiderLocationReport | undefined {
    return this.last;
  }

  /** Points still to go, the current one excluded. */
  get remaining(): number {
    return this.running ? this.route.length - 1 - this.index : 0;
  }

  /** Rides to `destination` from the last position (or a default start); the first report goes at once. */
  start(destination: LatLng): void {
    this.stop();
    this.route = planRide(destination, this.last);
    this.index = -1;
    this.step();
  }

  stop(): void {
    if (this.timer === undefined) return;
    this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.options.onChange?.();
  }

  private step(): void {
    this.index += 1;
    const point = this.route[this.index];
    if (!point) return;
    const next = this.route[this.index + 1];
    const previous = this.route[this.index - 1];
    const heading = next ? bearingDegrees(point, next) : previous ? bearingDegrees(previous, point) : undefined;
    this.last = { ...point, ...(heading !== undefined ? { heading: Math.round(heading) % 360 } : {}), at: new Date(this.now()).toISOString() };
    this.options.publish(this.last);
    this.timer = next ? this.timers.setTimeout(() => this.step(), this.options.intervalMs ?? DEFAULT_INTERVAL_MS) : undefined;
    this.options.onChange?.();
  }
}
