import type { Logger } from './logger.js';

export interface RateLimitedLogOptions {
  logger: Logger;
  /** Lines per second for each key, and the burst allowed after a quiet spell. */
  linesPerSecond: number;
  /** Called for every line left out (the metric still counts what the log does not show). */
  onSuppressed?: (key: string) => void;
  now?: () => number;
}

export interface RateLimitedLog {
  /** Writes the line unless `key` has used its budget; returns whether it was written. */
  write(level: 'warn' | 'info', key: string, fields: Record<string, unknown>, msg: string): boolean;
  /** Writes one "suppressed refusals" line per key whose lines were left out since the last flush. */
  flush(): void;
  /** Flushes and stops the flush timer. */
  close(): void;
}

interface Bucket {
  tokens: number;
  refilledAt: number;
  suppressed: number;
}

const FLUSH_INTERVAL_MS = 1_000;

/**
 * For log lines a stranger can cause (broker refusals, refused rider reports), so a flood of them
 * cannot flood the log. A token bucket per key (a refusal reason, a closed set): a flood of refusals of one kind costs at most
 * `linesPerSecond` lines a second plus one summary line a second saying how many were left out,
 * and does not hide refusals of other kinds. The summary timer runs only while lines are being
 * left out, and never keeps the process alive.
 */
export function createRateLimitedLog({ logger, linesPerSecond, onSuppressed = () => undefined, now = Date.now }: RateLimitedLogOptions): RateLimitedLog {
  const buckets = new Map<string, Bucket>();
  let timer: NodeJS.Timeout | undefined;

  const take = (key: string): boolean => {
    const t = now();
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = { tokens: linesPerSecond, refilledAt: t, suppressed: 0 };
      buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(linesPerSecond, bucket.tokens + ((t - bucket.refilledAt) * linesPerSecond) / 1_000);
    bucket.refilledAt = t;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return true;
    }
    bucket.suppressed += 1;
    return false;
  };

  const flush = () => {
    timer = undefined;
    for (const [key, bucket] of buckets) {
      if (bucket.suppressed === 0) continue;
      logger.warn({ reason: key, suppressed: bucket.suppressed, linesPerSecond }, 'suppressed log lines');
      bucket.suppressed = 0;
    }
  };

  return {
    write(level, key, fields, msg) {
      if (take(key)) {
        logger[level](fields, msg);
        return true;
      }
      onSuppressed(key);
      if (!timer) {
        timer = setTimeout(flush, FLUSH_INTERVAL_MS);
        timer.unref();
      }
      return false;
    },
    flush,
    close() {
      clearTimeout(timer);
      flush();
    },
  };
}
