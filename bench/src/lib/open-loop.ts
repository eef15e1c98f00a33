import { performance } from 'node:perf_hooks';

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes on one machine. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export interface OpenLoopOptions {
  /** Sends per second (> 0). */
  ratePerSecond: number;
  durationMs: number;
  /** Called once per scheduled send with its *scheduled* time (nowMs scale) and sequence number (0-based). */
  send: (scheduledAt: number, seq: number) => void;
  /** Start time on the nowMs scale; defaults to now. */
  startAt?: number;
  /**
   * How to wait for the next send when it is less than ~2 ms away:
   * - 'timer' (default): setTimeout; sends go out in bursts up to ~1 ms late (measured from their
   *   scheduled time all the same), the event loop stays free and no CPU is burnt;
   * - 'sleep': block this thread in Atomics.wait until it is due (±0.1 ms, little CPU), then yield
   *   to I/O; for a process that does nothing but send;
   * - 'spin': setImmediate until due; most precise, burns a whole core.
   */
  idle?: 'timer' | 'sleep' | 'spin';
}

let sleeper: Int32Array | undefined;

function sleepMs(ms: number): void {
  sleeper ??= new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(sleeper, 0, 0, ms);
}

/**
 * Open-loop load: send number i is due at start + i/rate, whatever happened to earlier sends.
 * When the event loop comes back late, every send that fell due meanwhile is made at once (a burst)
 * and each keeps its scheduled time, so latency measured from `scheduledAt` includes the wait
 * (no coordinated omission). Resolves after the last scheduled send. See `idle` for how precisely
 * sends follow the schedule.
 */
export function openLoop(opts: OpenLoopOptions): Promise<void> {
  const { ratePerSecond, durationMs, send } = opts;
  const idle = opts.idle ?? 'timer';
  if (!(ratePerSecond > 0)) return Promise.reject(new Error('openLoop: ratePerSecond must be > 0'));
  const interval = 1000 / ratePerSecond;
  const total = Math.floor((durationMs * ratePerSecond) / 1000);
  const start = opts.startAt ?? nowMs();
  let seq = 0;
  return new Promise<void>((resolve, reject) => {
    const tick = (): void => {
      try {
        const now = nowMs();
        while (seq < total) {
          const due = start + seq * interval;
          if (due > now) break;
          send(due, seq);
          seq += 1;
        }
        if (seq >= total) {
          resolve();
          return;
        }
        const wait = start + seq * interval - nowMs();
        // Timers have ~1 ms granularity: wake a little early and send whatever is due.
        if (wait >= 2) setTimeout(tick, Math.floor(wait) - 1);
        else if (idle === 'spin') setImmediate(tick);
        else if (idle === 'sleep') {
          if (wait > 0.02) sleepMs(wait);
          setImmediate(tick);
        } else setTimeout(tick, wait >= 1 ? Math.floor(wait) : 1);
      } catch (err) {
        reject(err as Error);
      }
    };
    const firstWait = start - nowMs();
    if (firstWait > 1) setTimeout(tick, Math.floor(firstWait));
    else setImmediate(tick);
  });
}
