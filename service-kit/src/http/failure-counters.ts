import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract, type RateLimiterRes } from 'rate-limiter-flexible';

/** A key's failures in its current window; a window starts at the key's first failure (fixed window). */
export interface FailureWindow {
  count: number;
  /** Milliseconds until the window ends; 0 when the key has no live window. */
  msLeft: number;
}

/** One failure counted by `add`, as needed to take it back. */
export interface CountedFailure extends FailureWindow {
  key: string;
  /** Epoch ms at which the window it was counted in ends (by this process's clock). */
  endsAt: number;
}

/** Failures per key in fixed windows of one length, kept by rate-limiter-flexible. */
export interface FailureCounter {
  peek(key: string): Promise<FailureWindow>;
  /** Counts one failure and returns the count including it. */
  add(key: string): Promise<CountedFailure>;
  /** Takes a failure back, only while the window it was counted in lasts (never into a new window). */
  takeBack(counted: CountedFailure): Promise<void>;
  /** Forgets the key's window. */
  forget(key: string): Promise<void>;
}

/** Makes the counter for one budget: `name` keeps its keys apart from every other counter's. */
export type FailureCounterFactory = (name: string, windowSeconds: number) => FailureCounter;

/** A take-back this close to the window's end is skipped, so it cannot land in the next window as -1. */
const TAKE_BACK_MARGIN_MS = 250;

function windowOf(res: RateLimiterRes | null): FailureWindow {
  // The memory store answers for an ended window until its timer has run: that is no window.
  if (!res || res.msBeforeNext <= 0) return { count: 0, msLeft: 0 };
  return { count: Math.max(0, res.consumedPoints), msLeft: res.msBeforeNext };
}

function counterOver(limiter: RateLimiterAbstract): FailureCounter {
  return {
    peek: async (key) => windowOf(await limiter.get(key)),
    add: async (key) => {
      const { count, msLeft } = windowOf(await limiter.penalty(key, 1));
      return { key, count, msLeft, endsAt: Date.now() + msLeft };
    },
    takeBack: async (counted) => {
      if (Date.now() < counted.endsAt - TAKE_BACK_MARGIN_MS) await limiter.reward(counted.key, 1);
    },
    forget: async (key) => {
      await limiter.delete(key);
    },
  };
}

/**
 * In this process only (a restart forgets, each instance counts alone). Each key lives until its
 * window ends and is never evicted early; what bounds the number of keys is the callers' budgets
 * (a refused attempt adds none).
 */
export function memoryFailureCounters(): FailureCounterFactory {
  return (name, windowSeconds) => counterOver(new RateLimiterMemory({ keyPrefix: name, points: 1, duration: windowSeconds }));
}

/**
 * Shared by every process on the same Redis and `prefix` (one atomic INCR + EXPIRE script per
 * failure; Redis expires each key when its window ends). While Redis is unreachable each process
 * falls back to counting in its own memory, so the limits hold, per instance, meanwhile.
 */
export function redisFailureCounters(redis: Redis, prefix: string): FailureCounterFactory {
  return (name, windowSeconds) =>
    counterOver(
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${prefix}${name}`,
        points: 1,
        duration: windowSeconds,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: name, points: 1, duration: windowSeconds }),
      }),
    );
}
