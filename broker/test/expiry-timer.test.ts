import { afterEach, describe, it, expect, jest } from '@jest/globals';
import { armExpiryTimer, MAX_TIMER_DELAY_MS, nextCheckDelay } from '../src/auth/expiry-timer.js';

const DAY_MS = 24 * 3_600_000;

describe('the delay before the next expiry check', () => {
  it('when the expiry is within one timer’s reach, then it is the time left', () => {
    expect(nextCheckDelay(1_000, 900, 250)).toBe(100);
  });

  it('when the expiry is further away than one timer can wait, then it is that maximum', () => {
    expect(nextCheckDelay(1_000, 400, 250)).toBe(250);
    expect(nextCheckDelay(30 * DAY_MS, 0)).toBe(2 ** 31 - 1);
  });

  it('when the expiry has passed, then it is 0', () => {
    expect(nextCheckDelay(1_000, 1_200, 250)).toBe(0);
  });
});

describe('the expiry timer', () => {
  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  /** Runs the timer one firing at a time until it calls back (at most 10 firings): when each firing happened, in ms after start. */
  const firings = (start: number, onExpired: jest.Mock) => {
    const at: number[] = [];
    while (onExpired.mock.calls.length === 0 && at.length < 10) {
      jest.advanceTimersToNextTimer();
      at.push(Date.now() - start);
    }
    return at;
  };

  it('when the expiry is beyond the maximum delay, then it re-arms in steps of that maximum and calls back exactly at the expiry', () => {
    jest.useFakeTimers();
    const onExpired = jest.fn();
    const start = Date.now();
    armExpiryTimer(start + 1_000, onExpired, { maxDelayMs: 300 });
    expect(firings(start, onExpired)).toEqual([300, 600, 900, 1_000]);
    expect(onExpired).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('when a customer token lives 30 days (beyond one Node timer), then it wakes once at the timer maximum and calls back after 30 days, not at once', () => {
    jest.useFakeTimers();
    const onExpired = jest.fn();
    const start = Date.now();
    armExpiryTimer(start + 30 * DAY_MS, onExpired);
    // A single setTimeout of 30 days would overflow and fire after 1 ms, in Node as in Jest's fake timers.
    expect(firings(start, onExpired)).toEqual([MAX_TIMER_DELAY_MS, 30 * DAY_MS]);
    expect(onExpired).toHaveBeenCalledTimes(1);
  });

  it('when the timer fires before the clock reaches the expiry, then it waits again instead of calling back early', () => {
    jest.useFakeTimers();
    let clock = 0;
    const onExpired = jest.fn();
    armExpiryTimer(100, onExpired, { now: () => clock });
    clock = 99; // the wall clock lags the timer by 1 ms
    jest.advanceTimersByTime(100);
    expect(onExpired).not.toHaveBeenCalled();
    clock = 100;
    jest.advanceTimersByTime(1);
    expect(onExpired).toHaveBeenCalledTimes(1);
  });

  it('when it is cancelled after it has re-armed, then it never calls back and no timer is left', () => {
    jest.useFakeTimers();
    const onExpired = jest.fn();
    const cancel = armExpiryTimer(Date.now() + 1_000, onExpired, { maxDelayMs: 300 });
    jest.advanceTimersByTime(650);
    cancel();
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(1_000);
    expect(onExpired).not.toHaveBeenCalled();
  });

  it('then its timer does not keep the process alive', () => {
    const setTimeoutSpy = jest.spyOn(global, 'setTimeout');
    const cancel = armExpiryTimer(Date.now() + 60_000, () => undefined);
    const timer = setTimeoutSpy.mock.results[0]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    cancel();
  });
});
