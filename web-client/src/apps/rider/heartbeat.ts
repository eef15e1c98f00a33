import { browserTimers, type Timers } from '../shared/timers.js';

/** How often the rider's phone says "still here" while a delivery is open. */
export const HEARTBEAT_INTERVAL_MS = 10_000;

export interface HeartbeatOptions {
  /** Publishes `{ at }` on `riders/<own id>/heartbeat`. */
  send(payload: { at: string }): Promise<void>;
  /** Whether a delivery is open (assigned, picked up or on the way). */
  active(): boolean;
  /** Whether the live connection is up: a heartbeat is never queued (an old one says nothing). */
  live(): boolean;
  intervalMs?: number;
  timers?: Timers;
  now?: () => Date;
}

/**
 * The rider's heartbeat: while a delivery is open and the connection is live, one small message
 * every `intervalMs` (10 s), never more often however often `kick()` is called (on reconnect,
 * a new assignment). It lets customers see "updated 5 s ago" even while the rider stands still
 * (no position to send); the broker itself says when the connection drops.
 */
export class RiderHeartbeat {
  private readonly timers: Timers;
  private readonly intervalMs: number;
  private timer: unknown;
  private lastSentMs = -Infinity;
  private stopped = false;

  constructor(private readonly options: HeartbeatOptions) {
    this.timers = options.timers ?? browserTimers;
    this.intervalMs = options.intervalMs ?? HEARTBEAT_INTERVAL_MS;
  }

  /** Something changed (connection, assignments): beat now if one is due, and keep beating while active. */
  kick(): void {
    if (this.stopped) return;
    this.cancel();
    if (!this.options.active()) return;
    const now = (this.options.now ?? (() => new Date()))();
    const dueInMs = this.lastSentMs + this.intervalMs - now.getTime();
    const send = dueInMs <= 0 && this.options.live();
    if (send) {
      this.lastSentMs = now.getTime();
      this.options.send({ at: now.toISOString() }).catch((err: Error) => console.warn(`heartbeat not sent: ${err.message}`));
    }
    // Offline: the next connection kicks it; the timer is only a backstop.
    this.timer = this.timers.setTimeout(() => this.kick(), send || dueInMs <= 0 ? this.intervalMs : dueInMs);
  }

  stop(): void {
    this.stopped = true;
    this.cancel();
  }

  private cancel(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
