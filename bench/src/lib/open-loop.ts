import { performance } from 'node:perf_hooks';

/**
 * Wall-clock milliseconds with sub-millisecond precision: the wall clock at this process's start
 * plus the time since. Comparable with timestamps services write (ISO times), and across processes
 * while the wall clock is not stepped; when it is, processes started before and after the step
 * disagree by it (use monotonicMs where only processes of one machine compare times).
 */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Milliseconds on the system-wide monotonic clock (CLOCK_MONOTONIC): the same in every process of this machine, whatever the wall clock does. */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export interface OpenLoopOptions {
  /** Sends per second (> 0). */
  ratePerSecond: number;
  durationMs: number;
  /** Called once per scheduled send with its *scheduled* time (on `clock`'s scale) and sequence number (0-based). */
  send: (scheduledAt: number, seq: number) => void;
  /** Start time on the clock's scale; defaults to now. */
  startAt?: number;
  /** The clock scheduled times are on (default nowMs). */
  clock?: () => number;
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
  const now = opts.clock ?? nowMs;
  const idle = opts.idle ?? 'timer';
  if (!(ratePerSecond > 0)) return Promise.reject(new Error('openLoop: ratePerSecond must be > 0'));
  const interval = 1000 / ratePerSecond;
  const total = Math.floor((durationMs * ratePerSecond) / 1000);
  const start = opts.startAt ?? now();
  let seq = 0;
  return new Promise<void>((resolve, reject) => {
    const tick = (): void => {
      try {
        const at = now();
        while (seq < total) {
          const due = start + seq * interval;
          if (due > at) break;
          send(due, seq);
          seq += 1;
        }
        if (seq >= total) {
          resolve();
          return;
        }
        const wait = start + seq * interval - now();
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
    const firstWait = start - now();
    if (firstWait > 1) setTimeout(tick, Math.floor(firstWait));
    else setImmediate(tick);
  });
}
