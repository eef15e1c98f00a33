import { join, resolve } from 'node:path';

/** The repository root, from both `e2e/src/harness` (tests) and `e2e/dist/harness` (built). */
export const REPO_ROOT = resolve(__dirname, '../../..');

/** Compiled entry points of the deployables; `npm run build` produces them. */
export const ENTRY_POINTS = {
  broker: join(REPO_ROOT, 'broker/dist/main.js'),
  orders: join(REPO_ROOT, 'orders-service/dist/main.js'),
  delivery: join(REPO_ROOT, 'delivery-service/dist/main.js'),
  notifier: join(REPO_ROOT, 'notifier-service/dist/main.js'),
  mail: join(REPO_ROOT, 'mail-service/dist/main.js'),
  web: join(REPO_ROOT, 'web-client/dist/server/main.js'),
} as const;

export type ServiceName = keyof typeof ENTRY_POINTS;

/**
 * Node options a deployable runs with: in the harness (tests, benchmarks, `npm start`) and in its
 * image's CMD, which the compose checks hold to this list.
 *
 * `--no-memory-reducer`: when traffic is light, V8's memory reducer runs three full collections in
 * a row to give memory back. The broker's heap is mostly its connections (~22 KiB each) and does
 * not shrink, so those collections freed nothing and were a third of the broker's CPU at 50
 * updates/s (README, Performance). Collections still run as the heap grows.
 *
 * `--max-semi-space-size=64` (MiB; V8's default is 16): each scavenge of the broker's young
 * generation also walks what its thousands of connections point to, 5–24 ms each; with a larger
 * young generation they come a third as often, which halved the broker's time in them at 500
 * updates/s and its p99.9 end to end (README, Performance). The other services were tried too
 * and gained nothing measurable.
 */
export const NODE_ARGS: Record<ServiceName, readonly string[]> = {
  broker: ['--no-memory-reducer', '--max-semi-space-size=64'],
  orders: [],
  delivery: [],
  notifier: [],
  mail: [],
  web: [],
};

/** How a deployable is started with this Node: its entry point and node options, always together. */
export function nodeLaunch(name: ServiceName): { entry: string; nodeArgs: readonly string[] } {
  return { entry: ENTRY_POINTS[name], nodeArgs: NODE_ARGS[name] };
}
