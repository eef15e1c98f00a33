/** Settings of the end-to-end bench (e2e-bench.ts): rates, step lengths, watchers, targets. */
import type { LatencyRecorder } from '../lib/index.js';
import { envNumber, envNumbers, QUICK } from './settings.js';

export const RATES = envNumbers('BENCH_RATES', QUICK ? [100, 500, 1_000] : [100, 500, 1_000, 2_000, 2_500]);
const STEP_MS = envNumber('BENCH_STEP_S', QUICK ? 5 : 12) * 1000;
/**
 * Updates per step at most: a step at R/s lasts min(STEP_MS, MAX_UPDATES/R). Every update needs a
 * fresh order with a connected watcher (an order has 5 changes), and connecting is the slow part.
 */
const MAX_UPDATES = envNumber('BENCH_MAX_UPDATES', 25_000);
/** BENCH_ADAPTIVE=0: size every step's orders for its full rate, even after a step saturated. */
export const ADAPTIVE = process.env.BENCH_ADAPTIVE !== '0';
export const stepMs = (rate: number) => Math.min(STEP_MS, Math.floor((MAX_UPDATES / rate) * 1000));
export const IDLE = envNumber('BENCH_IDLE', QUICK ? 1_000 : 5_000);
/** BENCH_ADMIN_CONSOLES: admin consoles on admin/orders through the run (each gets every change). */
export const ADMIN_CONSOLES = envNumber('BENCH_ADMIN_CONSOLES', 3);
/** BENCH_ADMIN_QOS: the QoS the admin consoles subscribe at; 0 as the console page does (1 to compare with before it did). */
export const ADMIN_QOS: 0 | 1 = envNumber('BENCH_ADMIN_QOS', 0) === 1 ? 1 : 0;
export const DRAIN_MS = 15_000;
export const CONNECT_CONCURRENCY = 100;
export const SERVERS = ['broker', 'notifier', 'orders', 'delivery', 'web'] as const;

export function targetFor(rate: number): string {
  if (rate === 1_000) return 'p50 ≤ 3 ms, p99 ≤ 15 ms, 0 lost';
  if (rate === 2_500) return 'p99 ≤ 50 ms, 0 lost';
  return '0 lost';
}

export function met(rate: number, s: ReturnType<LatencyRecorder['summary']>, lost: number, skipped: number): string {
  let ok = lost === 0 && skipped === 0 && s.count > 0;
  if (rate === 1_000) ok &&= s.p50 <= 3 && s.p99 <= 15;
  if (rate === 2_500) ok &&= s.p99 <= 50;
  return ok ? 'yes' : 'NO';
}
