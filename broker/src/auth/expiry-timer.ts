/** The longest delay one Node timer can wait; a longer one fires after 1 ms (TimeoutOverflowWarning). */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** How long to wait before looking at the clock again: until expiry, but never longer than one timer can wait. */
export function nextCheckDelay(expiresAtMs: number, nowMs: number, maxDelayMs = MAX_TIMER_DELAY_MS): number {
  return Math.min(Math.max(expiresAtMs - nowMs, 0), maxDelayMs);
}

export interface ExpiryTimerOptions {
  now?: () => number;
  maxDelayMs?: number;
}

/**
 * Calls `onExpired` once `now()` reaches `expiresAtMs` (a 30-day customer token outlives one
 * timer, so it re-arms in steps). It checks the clock each time it fires, so a timer that fires
 * a little early re-arms instead of calling back before the expiry. Unref'd: it never keeps the
 * process alive. Returns a function that cancels it.
 */
export function armExpiryTimer(
  expiresAtMs: number,
  onExpired: () => void,
  { now = Date.now, maxDelayMs = MAX_TIMER_DELAY_MS }: ExpiryTimerOptions = {},
): () => void {
  let timer: NodeJS.Timeout;
  const schedule = () => {
    timer = setTimeout(check, nextCheckDelay(expiresAtMs, now(), maxDelayMs));
    timer.unref();
  };
  const check = () => {
    if (now() >= expiresAtMs) onExpired();
    else schedule();
  };
  schedule();
  return () => clearTimeout(timer);
}
