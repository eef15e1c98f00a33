/** Settings of the broker capacity bench (capacity-bench.ts). */
import { envNumber, envNumbers, QUICK } from '../system/settings.js';
import { MAX_SOCKETS_PER_PROCESS } from '../lib/index.js';

export const STEPS = envNumbers('BENCH_CAPACITY_STEPS', QUICK ? [1_000, 2_500, 5_000] : [1_000, 5_000, 10_000, 15_000, 19_000]);
export const HOLD_MS = envNumber('BENCH_HOLD_S', QUICK ? 5 : 10) * 1000;
export const TARGET = Math.max(...STEPS);
/** Sockets per generator process: well under the 20,000-file limit. */
export const PER_GENERATOR = Math.min(MAX_SOCKETS_PER_PROCESS, 10_000);
export const CONNECT_CONCURRENCY = 200;
export const RECONNECT_MIN_MS = 400;
export const RECONNECT_MAX_MS = 600;
export const KEEPALIVE_S = 60;
export const RECONNECT_DEADLINE_MS = 120_000;
/**
 * BENCH_RETAINED=1: every client's topic holds a retained status message, as in the running
 * system (the notifier keeps one per order and publishes them all again when it reconnects
 * after a broker restart). Off by default: the broker alone, as specified.
 */
export const RETAINED = /^(1|true|yes)$/i.test(process.env.BENCH_RETAINED ?? '');
