/** Settings of the push vs polling bench (polling-bench.ts). */
import type { ProcessUsage } from './server-processes.js';
import { envNumber, envNumbers, QUICK } from './settings.js';

export const SIZES = envNumbers('BENCH_CUSTOMERS', QUICK ? [1_000] : [1_000, 5_000]);
export const RUN_MS = envNumber('BENCH_RUN_S', QUICK ? 15 : 60) * 1000;
export const POLL_MS = envNumber('BENCH_POLL_S', 5) * 1000;
export const CHANGES_PER_MINUTE = envNumber('BENCH_CHANGES_PER_MIN', 3);
/**
 * Quiet time between a mode's set-up (orders created, customers connected or polling) and its
 * measured window, the same for both modes, so the window shows the cost of watching rather
 * than the tail of the set-up burst (garbage collection, JIT). Polling waits at least one interval.
 */
export const SETTLE_MS = envNumber('BENCH_SETTLE_S', QUICK ? 2 : 10) * 1000;
export const GENERATORS = 2;
export const PUSH_SERVERS = ['broker', 'notifier', 'orders'];
export const POLL_SERVERS = ['orders'];

export const cpuOf = (usage: Record<string, ProcessUsage>, names: string[]) => names.reduce((n, name) => n + (usage[name]?.cpuSeconds ?? 0), 0);
