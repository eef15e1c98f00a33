import type { DeliveryTrack, HopRow, LatLng, OrderSnapshot } from '@orderpulse/contracts';
import { DELIVERY_STATUS_LABELS, ORDER_STATUS_LABELS } from '../shared/status-labels.js';

/** The replay speeds offered: story time per wall-clock time. */
export const REPLAY_SPEEDS = [1, 10, 60] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];

/**
 * A quiet stretch longer than this (nothing changed, no position) is replayed as this long and
 * marked, so an order placed on Monday and delivered on Tuesday replays in seconds, not a day.
 */
export const MAX_QUIET_MS = 60_000;

export interface ReplayStep {
  kind: 'order' | 'delivery';
  status: string;
  label: string;
  note?: string | undefined;
  /** When it happened (ISO). */
  at: string;
  /** Where it sits on the replay's own axis, from 0. */
  offsetMs: number;
  /** The quiet stretch before it that was shortened, in real milliseconds (0: none). */
  skippedMs: number;
  /** Issue 17 point 4: the hop times kept for this status change (ms since the epoch), when any are. */
  hops?: StepHops | undefined;
}

/** When a status change was written, confirmed by RabbitMQ, accepted by the broker and had by the first customer device. */
export interface StepHops {
  writtenAt?: number;
  confirmedAt?: number;
  brokerAt?: number;
  deviceAt?: number;
  /** False: no customer device was watching when it was published. */
  watching?: boolean;
}

const msOf = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

function stepHopsOf(row: HopRow): StepHops {
  const hops: StepHops = {};
  for (const field of ['writtenAt', 'confirmedAt', 'brokerAt', 'deviceAt'] as const) {
    const ms = msOf(row[field]);
    if (ms !== undefined) hops[field] = ms;
  }
  if (row.watching !== undefined) hops.watching = row.watching;
  return hops;
}

/**
 * One list from the services' kept rows (orders-service: its confirms; delivery-service: its
 * own confirms, the broker's and the devices' receipts): the same change's times side by side,
 * the first list's time where two know one.
 */
export function mergeHopRows(...lists: ReadonlyArray<readonly HopRow[]>): HopRow[] {
  const rows = new Map<string, HopRow>();
  for (const row of lists.flat()) {
    const key = `${row.kind}:${row.version}`;
    rows.set(key, { ...row, ...rows.get(key) });
  }
  return [...rows.values()];
}

/**
 * Pairs each status step with its kept hop row: the order's steps with the `status` rows, the
 * delivery's with the `tracking` rows, by the status moved to; a status reached twice takes the
 * rows in version order. A step whose row is not kept (pruned, or written before rows were) has none.
 */
function withHops(steps: ReplayStep[], rows: readonly HopRow[]): void {
  const unused = [...rows].filter((r) => r.status !== undefined).sort((a, b) => a.version - b.version);
  for (const step of steps) {
    const kind = step.kind === 'order' ? 'status' : 'tracking';
    const at = unused.findIndex((r) => r.kind === kind && r.status === step.status);
    if (at < 0) continue;
    step.hops = stepHopsOf(unused[at]!);
    unused.splice(at, 1);
  }
}

export interface ReplayPoint extends LatLng {
  at: string;
  offsetMs: number;
}

export interface ReplayScript {
  steps: ReplayStep[];
  points: ReplayPoint[];
  destination: LatLng | null;
  /** The replay's length on its own axis. */
  durationMs: number;
}

/** What is shown `offsetMs` into the replay: how many steps and points have been reached. */
export interface ReplayFrame {
  offsetMs: number;
  stepsReached: number;
  pointsReached: number;
  /** The rider's position then: the last point reached. */
  rider: ReplayPoint | undefined;
}

type Item = { at: number; step?: Omit<ReplayStep, 'offsetMs' | 'skippedMs'>; point?: Omit<ReplayPoint, 'offsetMs'> };

/**
 * One timeline from what is stored: the order's statuses (each with its kept hop times), the
 * delivery's statuses (likewise) and the rider's kept positions, in time order (at the same instant: order, then delivery, then position), on
 * an axis where quiet stretches are shortened to MAX_QUIET_MS.
 */
export function buildReplayScript(order: Pick<OrderSnapshot, 'history'>, track: DeliveryTrack | null, hops: readonly HopRow[] = []): ReplayScript {
  const items: Item[] = [
    ...order.history.map((h): Item => ({
      at: Date.parse(h.at),
      step: { kind: 'order', status: h.status, label: ORDER_STATUS_LABELS[h.status], note: h.note, at: h.at },
    })),
    ...(track?.history ?? []).map((h): Item => ({
      at: Date.parse(h.at),
      step: { kind: 'delivery', status: h.status, label: DELIVERY_STATUS_LABELS[h.status], note: h.note, at: h.at },
    })),
    ...(track?.points ?? []).map((p): Item => ({ at: Date.parse(p.at), point: { lat: p.lat, lng: p.lng, at: p.at } })),
  ];
  const rank = (item: Item) => (item.point ? 2 : item.step?.kind === 'delivery' ? 1 : 0);
  items.sort((a, b) => a.at - b.at || rank(a) - rank(b));
  const steps: ReplayStep[] = [];
  const points: ReplayPoint[] = [];
  let offsetMs = 0;
  let previous: number | undefined;
  for (const item of items) {
    const gap = previous === undefined ? 0 : Math.max(0, item.at - previous);
    const skippedMs = gap > MAX_QUIET_MS ? gap - MAX_QUIET_MS : 0;
    offsetMs += gap - skippedMs;
    previous = item.at;
    if (item.step) steps.push({ ...item.step, offsetMs, skippedMs });
    if (item.point) points.push({ ...item.point, offsetMs });
  }
  withHops(steps, hops);
  return { steps, points, destination: track?.destination ?? null, durationMs: offsetMs };
}

function countReached<T extends { offsetMs: number }>(items: readonly T[], offsetMs: number): number {
  let n = 0;
  while (n < items.length && items[n]!.offsetMs <= offsetMs) n += 1;
  return n;
}

export function frameAt(script: ReplayScript, offsetMs: number): ReplayFrame {
  const clamped = Math.min(Math.max(offsetMs, 0), script.durationMs);
  const pointsReached = countReached(script.points, clamped);
  return { offsetMs: clamped, stepsReached: countReached(script.steps, clamped), pointsReached, rider: script.points[pointsReached - 1] };
}

/**
 * The replay's clock: story time runs at `speed` × wall time while playing. Changing the speed
 * or pausing keeps the position reached. `now` is the wall clock in ms (performance.now()).
 */
export class ReplayClock {
  private baseOffset = 0;
  private startedAt: number | undefined;
  private currentSpeed: ReplaySpeed = 10;

  constructor(
    private readonly now: () => number,
    private readonly durationMs: number,
  ) {}

  get speed(): ReplaySpeed {
    return this.currentSpeed;
  }

  get playing(): boolean {
    return this.startedAt !== undefined && this.offset() < this.durationMs;
  }

  offset(): number {
    const running = this.startedAt === undefined ? 0 : (this.now() - this.startedAt) * this.currentSpeed;
    return Math.min(this.baseOffset + running, this.durationMs);
  }

  /**
   * Where the replay is and whether that is its end, from one reading of the clock. Reading
   * `offset()` and then `playing` reads it twice: the end could pass in between, and a view that
   * drew the first and stopped on the second would never draw the last frame.
   */
  position(): { offsetMs: number; atEnd: boolean } {
    const offsetMs = this.offset();
    return { offsetMs, atEnd: offsetMs >= this.durationMs };
  }

  play(): void {
    if (this.startedAt !== undefined && this.offset() < this.durationMs) return;
    this.pause();
    if (this.baseOffset >= this.durationMs) this.baseOffset = 0;
    this.startedAt = this.now();
  }

  pause(): void {
    this.baseOffset = this.offset();
    this.startedAt = undefined;
  }

  setSpeed(speed: ReplaySpeed): void {
    const wasPlaying = this.startedAt !== undefined;
    this.pause();
    this.currentSpeed = speed;
    if (wasPlaying) this.play();
  }

  restart(): void {
    const wasPlaying = this.startedAt !== undefined;
    this.pause();
    this.baseOffset = 0;
    if (wasPlaying) this.play();
  }
}
