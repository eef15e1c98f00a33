/**
 * `npm run bench`: every benchmark in turn, each run's results in a folder of its own
 * (bench/results/runs/<time>/, or BENCH_RESULTS_DIR), so a run never overwrites the committed
 * results in bench/results. Before it starts it says how long it should take (each bench's
 * time in the last run on this machine, else the figure the committed results give), and it
 * reports each bench's start and end as it goes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BENCH_DIR, COMMITTED_RESULTS_DIR, runFolderName } from './lib/index.js';

export interface BenchStep {
  name: string;
  script: string;
}

export const STEPS: BenchStep[] = [
  { name: 'broker', script: 'dist/broker/main.js' },
  { name: 'e2e', script: 'dist/system/e2e-bench.js' },
  { name: 'polling', script: 'dist/system/polling-bench.js' },
  { name: 'capacity', script: 'dist/capacity/capacity-bench.js' },
  { name: 'journal', script: 'dist/journal/journal-bench.js' },
  { name: 'consoles', script: 'dist/broker/consoles-bench.js' },
];

export interface Durations {
  quick: boolean;
  seconds: Record<string, number>;
}

const DURATIONS_FILE = 'durations.json';

/** Seconds per bench: the newest earlier run of the same kind (quick or full), else the committed results' "took N s". */
export function estimateSeconds(resultsDir: string, quick: boolean): Record<string, number> {
  const estimates: Record<string, number> = {};
  const runsDir = path.join(resultsDir, 'runs');
  const runs = existsSync(runsDir) ? readdirSync(runsDir).sort().reverse() : [];
  for (const run of runs) {
    const file = path.join(runsDir, run, DURATIONS_FILE);
    if (!existsSync(file)) continue;
    const durations = JSON.parse(readFileSync(file, 'utf8')) as Durations;
    if (durations.quick !== quick) continue;
    for (const [name, seconds] of Object.entries(durations.seconds)) estimates[name] ??= seconds;
  }
  if (quick) return estimates;
  for (const { name } of STEPS) {
    if (estimates[name] !== undefined) continue;
    const file = path.join(resultsDir, `${name}.json`);
    if (!existsSync(file)) continue;
    const notes = (JSON.parse(readFileSync(file, 'utf8')) as { notes?: string[] }).notes ?? [];
    const took = notes.map((note) => /took (\d+) s\b/.exec(note)?.[1]).find(Boolean);
    if (took) estimates[name] = Number(took);
  }
  return estimates;
}

export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? `${minutes} min` : `${(seconds / 3600).toFixed(1)} h`;
}

/** The line printed before the run: what runs, about how long each takes and in total, where results go. */
export function planLine(steps: BenchStep[], estimates: Record<string, number>, outDir: string): string {
  const known = steps.filter((s) => estimates[s.name] !== undefined);
  const total = known.reduce((sum, s) => sum + estimates[s.name]!, 0);
  const each = steps.map((s) => `${s.name} ${estimates[s.name] !== undefined ? `~${formatDuration(estimates[s.name]!)}` : '(no earlier run)'}`).join(', ');
  const about =
    known.length === steps.length ? `about ${formatDuration(total)}` : known.length ? `at least ${formatDuration(total)}` : 'duration unknown (first run)';
  return `npm run bench: ${steps.length} benchmarks, ${about}: ${each}\nresults → ${outDir}`;
}

function runStep(step: BenchStep, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(BENCH_DIR, step.script)], { stdio: 'inherit', env });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<void> {
  const quick = Boolean(process.env.BENCH_QUICK);
  const resultsRoot = COMMITTED_RESULTS_DIR;
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
  const steps = only ? STEPS.filter((s) => only.includes(s.name)) : STEPS;
  const outDir = process.env.BENCH_RESULTS_DIR ? path.resolve(process.env.BENCH_RESULTS_DIR) : path.join(resultsRoot, 'runs', runFolderName(new Date()));
  mkdirSync(outDir, { recursive: true });
  const estimates = estimateSeconds(resultsRoot, quick);
  console.log(planLine(steps, estimates, outDir));

  const durations: Durations = { quick, seconds: {} };
  const startedAll = Date.now();
  for (const [i, step] of steps.entries()) {
    const estimate = estimates[step.name];
    console.log(
      `\n[${i + 1}/${steps.length}] ${step.name}${estimate !== undefined ? ` (about ${formatDuration(estimate)})` : ''}, ${formatDuration((Date.now() - startedAll) / 1000)} into the run`,
    );
    const started = Date.now();
    const code = await runStep(step, { ...process.env, BENCH_RESULTS_DIR: outDir });
    durations.seconds[step.name] = Math.round((Date.now() - started) / 1000);
    writeFileSync(path.join(outDir, DURATIONS_FILE), `${JSON.stringify(durations, null, 2)}\n`);
    console.log(`[${i + 1}/${steps.length}] ${step.name} ${code === 0 ? 'done' : `FAILED (exit ${code})`} in ${formatDuration(durations.seconds[step.name]!)}`);
    if (code !== 0) {
      process.exitCode = code;
      return;
    }
  }
  console.log(`\nall ${steps.length} benchmarks in ${formatDuration((Date.now() - startedAll) / 1000)}; results in ${outDir}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`npm run bench failed: ${(err as Error).stack ?? String(err)}`);
    process.exitCode = 1;
  });
}
