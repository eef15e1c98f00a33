/** Settings of the push vs polling bench (polling-bench.ts). */
import type { ProcessUsage } from './server-processes.js';
import { envNumber, envNumbers, QUICK } from './settings.js';

/** Issue 15 point 3: 15,000 watching customers (one broker's capacity), and 1,000 and 5,000. */
export const SIZES = envNumbers('BENCH_CUSTOMERS', QUICK ? [1_000] : [1_000, 5_000, 15_000]);
export const RUN_MS = envNumber('BENCH_RUN_S', QUICK ? 15 : 60) * 1000;
export const POLL_MS = envNumber('BENCH_POLL_S', 5) * 1000;
/** Issue 15 point 3's shape: each order changes 6 times an hour. */
export const CHANGES_PER_MINUTE = envNumber('BENCH_CHANGES_PER_MIN', 0.1);
/**
 * Quiet time between a mode's set-up (orders created, customers connected or polling) and its
 * measured window, the same for both modes, so the window shows the cost of watching rather
 * than the tail of the set-up burst (garbage collection, JIT). Polling waits at least one interval.
 */
export const SETTLE_MS = envNumber('BENCH_SETTLE_S', QUICK ? 2 : 10) * 1000;
/**
 * Issue 15 point 3, the idle cost of each process: a window with nothing changing, once before any
 * customer is there and once per mode with its customers watching (after its changes). The full
 * run's 60 s is two keepalive periods of the push customers (the pages' 30 s): each pings twice in it.
 */
export const IDLE_MS = envNumber('BENCH_IDLE_S', QUICK ? 5 : 60) * 1000;
/** The processes whose idle cost is reported (RabbitMQ is shared with other users of the machine). */
export const IDLE_PROCESSES = ['broker', 'notifier', 'orders', 'delivery', 'web'];
export const GENERATORS = 2;
export const PUSH_SERVERS = ['broker', 'notifier', 'orders'];
export const POLL_SERVERS = ['orders'];

export const cpuOf = (usage: Record<string, ProcessUsage>, names: string[]) => names.reduce((n, name) => n + (usage[name]?.cpuSeconds ?? 0), 0);
