/** One scenario's runs on one system summarised: its table row (medians over repeats), notes and progress line. */
import { LatencyRecorder, median, type BenchRow } from '../lib/index.js';
import type { RunResult } from './run-scenario.js';
import type { SystemName } from './targets.js';

export function mergedHistogram(runs: RunResult[]): LatencyRecorder {
  const merged = new LatencyRecorder();
  runs.forEach((r) => merged.merge(r.histogram));
  return merged;
}

export function scenarioRow(scenario: string, system: SystemName, runs: RunResult[], rssBytesPerConnection: number): BenchRow {
  const summaries = runs.map((r) => r.histogram.summary());
  return {
    scenario,
    system,
    'deliveries/s': Math.round(median(runs.map((r) => r.deliveriesPerSecond))),
    'p50 ms': median(summaries.map((s) => s.p50)),
    'p99 ms': median(summaries.map((s) => s.p99)),
    'p99.9 ms': median(summaries.map((s) => s.p999)),
    'max ms': median(summaries.map((s) => s.max)),
    'cpu µs/delivery': median(runs.map((r) => r.cpuUsPerDelivery)),
    'user %': Math.round(median(runs.map((r) => r.userShare)) * 100),
    'broker wait %': Math.round(median(runs.map((r) => r.brokerWaitPct))),
    'RSS KiB/conn': rssBytesPerConnection / 1024,
    lost: runs.reduce((n, r) => n + r.lost, 0),
    'gen cpu %': Math.round(median(runs.map((r) => r.generatorCpuPct))),
    'publisher cpu %': Math.round(median(runs.map((r) => r.publisherCpuPct))),
  };
}

/** Reordered or duplicated messages, and a publisher too late to keep the open-loop schedule. */
export function scenarioNotes(scenario: string, system: SystemName, runs: RunResult[]): string[] {
  const notes: string[] = [];
  const outOfOrder = runs.reduce((n, r) => n + r.outOfOrder, 0);
  if (outOfOrder > 0) notes.push(`${scenario} ${system}: ${outOfOrder} messages out of order or duplicated`);
  const lag = Math.max(...runs.map((r) => r.maxSendLagMs));
  if (lag > 50) notes.push(`${scenario} ${system}: the publisher's event loop was up to ${lag.toFixed(0)} ms late (sends caught up in a burst)`);
  return notes;
}

/** The line printed as each scenario finishes. */
export function scenarioLine(row: BenchRow): string {
  return (
    `  ${row.scenario.padEnd(20)} ${String(row['deliveries/s']).padStart(6)}/s  p50 ${(row['p50 ms'] as number).toFixed(2)}  p99 ${(row['p99 ms'] as number).toFixed(2)}  ` +
    `p99.9 ${(row['p99.9 ms'] as number).toFixed(2)} ms  cpu ${(row['cpu µs/delivery'] as number).toFixed(1)} µs/delivery  lost ${row.lost}  gen cpu ${row['gen cpu %']}% (publisher ${row['publisher cpu %']}%)  broker waited for a cpu ${row['broker wait %']}%`
  );
}
