import type { ConnectionState } from './mqtt-live-client.js';
import { browserTimers, type Timers } from './timers.js';

export interface FallbackPollerOptions {
  /** One poll; it handles its own errors. Aborted when live updates come back. */
  poll(signal: AbortSignal): Promise<void>;
  intervalMs: number;
  /** How long a first connection may take before polling starts anyway. */
  graceMs: number;
  onActiveChange?(active: boolean): void;
  timers?: Timers;
}

/**
 * Polls while live updates are not flowing: at once when an established connection drops,
 * after `graceMs` when the first connection does not come up, and never while live.
 */
export class FallbackPoller {
  private readonly timers: Timers;
  private timer: unknown;
  private running: AbortController | undefined;
  private isActive = false;
  private disposed = false;

  constructor(private readonly options: FallbackPollerOptions) {
    this.timers = options.timers ?? browserTimers;
  }

  get active(): boolean {
    return this.isActive;
  }

  /** Feed every connection state change here. */
  update(state: ConnectionState): void {
    if (this.disposed) return;
    if (state === 'live') this.setActive(false);
    else if (state === 'connecting') this.startAfter(this.options.graceMs);
    else this.startAfter(0);
  }

  /** Stops for good (the page is closing, or access was refused). */
  dispose(): void {
    this.setActive(false);
    this.disposed = true;
  }

  private startAfter(delayMs: number): void {
    if (this.isActive) return;
    if (delayMs === 0) {
      this.setActive(true);
      return;
    }
    if (this.timer === undefined) this.schedule(delayMs, () => this.setActive(true));
  }

  private setActive(active: boolean): void {
    this.cancelTimer();
    if (!active) {
      this.running?.abort();
      this.running = undefined;
    }
    if (active === this.isActive) return;
    this.isActive = active;
    this.options.onActiveChange?.(active);
    if (active) void this.tick();
  }

  private async tick(): Promise<void> {
    if (!this.isActive || this.disposed) return;
    const controller = new AbortController();
    this.running = controller;
    try {
      await this.options.poll(controller.signal);
    } catch {
      // poll() reports its own failures; the loop goes on.
    }
    if (this.running === controller) this.running = undefined;
    if (this.isActive && !controller.signal.aborted) this.schedule(this.options.intervalMs, () => void this.tick());
  }

  private schedule(ms: number, callback: () => void): void {
    this.cancelTimer();
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      callback();
    }, ms);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
