import { HttpError } from './errors.js';

export interface FailedAttemptLimiterOptions {
  /** Failures one key may collect in a window; its next attempt is refused until the window ends. */
  maxFailures: number;
  /** A key's window starts at its first failure and lasts this long (a fixed window per key). */
  windowMs: number;
  /** Keys remembered at most; past it the oldest window is forgotten. Bounds memory under a flood of new keys. */
  maxKeys?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

export const DEFAULT_MAX_ATTEMPT_KEYS = 10_000;

/** An attempt the limiter let through; it is counted as a failure until settled otherwise. */
export interface PendingAttempt {
  readonly allowed: true;
  /** The guess was wrong: the failure stays counted. */
  failed(): void;
  /** The guess was right: its failure is taken back, so a success never uses up the budget. */
  succeeded(): void;
  /** Not a guess after all (e.g. the store was down): its failure is taken back. */
  cancelled(): void;
}

export interface RefusedAttempt {
  readonly allowed: false;
  /** How long until every key of the attempt may try again (> 0). */
  retryAfterMs: number;
}

interface FailureWindow {
  failures: number;
  endsAt: number;
}

/**
 * Counts failed attempts (wrong passwords, wrong lookups) per key, e.g. `ip:203.0.113.7` and
 * `user:admin`, in a fixed window per key, and refuses a key that has used up its budget until its
 * window ends. Every operation is O(1) per key (a Map; its insertion order is window order, since
 * all windows are equally long, so the oldest is always first).
 *
 * The counts live in this process only: several instances behind a load balancer each keep their
 * own, so the effective budget is `maxFailures` × instances. A restart forgets them.
 *
 * An attempt is counted when it begins and taken back when it succeeds, so parallel attempts
 * cannot slip past the budget while the first ones are still being checked.
 */
export class FailedAttemptLimiter {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly maxKeys: number;
  private readonly now: () => number;
  private readonly windows = new Map<string, FailureWindow>();

  constructor(options: FailedAttemptLimiterOptions) {
    const { maxFailures, windowMs, maxKeys = DEFAULT_MAX_ATTEMPT_KEYS } = options;
    for (const [name, value] of Object.entries({ maxFailures, windowMs, maxKeys })) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, not ${value}`);
    }
    this.maxFailures = maxFailures;
    this.windowMs = windowMs;
    this.maxKeys = maxKeys;
    this.now = options.now ?? Date.now;
  }

  /** Keys currently remembered. */
  get size(): number {
    return this.windows.size;
  }

  /** Failures `key` has in its current window (0 when it has none). */
  failuresOf(key: string): number {
    return this.current(key, this.now())?.failures ?? 0;
  }

  /** Milliseconds until every one of `keys` may try again; 0 when none is over its budget. Counts nothing. */
  retryAfterMs(keys: readonly string[]): number {
    const now = this.now();
    let wait = 0;
    for (const key of keys) {
      const window = this.current(key, now);
      if (window && window.failures >= this.maxFailures) wait = Math.max(wait, window.endsAt - now);
    }
    return wait;
  }

  /**
   * Refuses when any of `keys` is over its budget (nothing is counted then); otherwise counts one
   * failure against each key and returns the attempt, to be settled by the caller.
   */
  begin(keys: readonly string[]): PendingAttempt | RefusedAttempt {
    const retryAfterMs = this.retryAfterMs(keys);
    if (retryAfterMs > 0) return { allowed: false, retryAfterMs };
    const counted = [...new Set(keys)].map((key) => [key, this.countFailure(key)] as const);
    let settled = false;
    const settle = (takeBack: boolean) => {
      if (settled) return;
      settled = true;
      if (takeBack) for (const [key, window] of counted) this.takeBack(key, window);
    };
    return { allowed: true, failed: () => settle(false), succeeded: () => settle(true), cancelled: () => settle(true) };
  }

  /** Counts one failure against each key, outside of an attempt. */
  recordFailure(keys: readonly string[]): void {
    for (const key of new Set(keys)) this.countFailure(key);
  }

  /** Forgets the keys' failures, e.g. after the account's owner logged in. */
  reset(keys: readonly string[]): void {
    for (const key of keys) this.windows.delete(key);
  }

  /** The key's window while it lasts; an ended one is dropped. */
  private current(key: string, now: number): FailureWindow | undefined {
    const window = this.windows.get(key);
    if (window && now >= window.endsAt) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  private countFailure(key: string): FailureWindow {
    const now = this.now();
    const existing = this.current(key, now);
    if (existing) {
      existing.failures += 1;
      return existing;
    }
    this.dropEndedWindows(now);
    if (this.windows.size >= this.maxKeys) {
      // Still full of live windows: forget the oldest (the first in insertion order).
      const oldest = this.windows.keys().next();
      if (!oldest.done) this.windows.delete(oldest.value);
    }
    const window = { failures: 1, endsAt: now + this.windowMs };
    this.windows.set(key, window);
    return window;
  }

  /** Windows end in insertion order, so ended ones are at the front; each is dropped once (amortised O(1)). */
  private dropEndedWindows(now: number): void {
    for (const [key, window] of this.windows) {
      if (now < window.endsAt) return;
      this.windows.delete(key);
    }
  }

  private takeBack(key: string, window: FailureWindow): void {
    // Only from the window it was counted in: a window that ended (or was reset or evicted) since is not touched.
    if (this.windows.get(key) !== window) return;
    window.failures -= 1;
    if (window.failures <= 0) this.windows.delete(key);
  }
}

/** 429 with a Retry-After header (whole seconds, rounded up) and a message saying when to try again. */
export class TooManyAttemptsError extends HttpError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterMs: number, what = 'failed attempts') {
    const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super(429, 'too_many_attempts', `too many ${what}; try again in ${describeWait(retryAfterSeconds)}`, { retryAfterSeconds }, {
      'Retry-After': String(retryAfterSeconds),
    });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

function describeWait(seconds: number): string {
  if (seconds < 120) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  return `${Math.ceil(seconds / 60)} minutes`;
}
