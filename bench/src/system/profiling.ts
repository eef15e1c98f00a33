import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { resultsDir } from '../lib/index.js';

/** Service names listed in BENCH_PROFILE (comma-separated), e.g. `orders,notifier,broker`. */
export function profiledServices(): string[] {
  return (process.env.BENCH_PROFILE ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
}

/**
 * Env that makes a service write a CPU profile (bench/results/profiles/<name>/<pid>.cpuprofile)
 * when it exits, through cpu-profile-preload.ts (--cpu-prof is not allowed in NODE_OPTIONS).
 * Undefined when BENCH_PROFILE does not name the service.
 */
export function profileEnvFor(name: string): Record<string, string> | undefined {
  if (!profiledServices().includes(name)) return undefined;
  const dir = path.join(resultsDir(), 'profiles', name);
  mkdirSync(dir, { recursive: true });
  return { NODE_OPTIONS: `--require ${path.join(__dirname, 'cpu-profile-preload.js')}`, BENCH_PROFILE_DIR: dir };
}
