/** The broker bench's results: the printed table and notes, and <name>.json, .svg, -<shape>.svg and .md. */
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import {
  markdownTable,
  printTable,
  renderLatencySvg,
  resultsDir,
  writeResults,
  type BenchRow,
  type LatencyRecorder,
  type LatencySvgOptions,
} from '../lib/index.js';
import { QUICK, settings, SHAPES } from './settings.js';
import { BROKER_CPU } from './targets.js';

export interface BrokerBenchResults {
  rows: BenchRow[];
  /** Merged latency per `<scenario> <system>`. */
  histograms: Record<string, LatencyRecorder>;
  /** Notes from the runs (problems, reordering, publisher lag). */
  runNotes: string[];
  pinned: boolean;
  /** Load average when the bench started. */
  load: string;
  /** Date.now() when the bench started. */
  started: number;
}

const COLUMNS = [
  'scenario',
  'system',
  'deliveries/s',
  'p50 ms',
  'p99 ms',
  'p99.9 ms',
  'cpu µs/delivery',
  'RSS KiB/conn',
  'lost',
  'cpu ×mosq',
  'p99 ×mosq',
  'gen cpu %',
  'broker wait %',
];

export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

/** Adds ours ÷ mosquitto ratios to our rows, per scenario. */
function addMosquittoRatios(rows: BenchRow[]): void {
  for (const row of rows) {
    if (row.system !== 'ours') continue;
    const other = rows.find((r) => r.scenario === row.scenario && r.system === 'mosquitto');
    if (!other) continue;
    row['cpu ×mosq'] = (row['cpu µs/delivery'] as number) / (other['cpu µs/delivery'] as number);
    row['p99 ×mosq'] = (row['p99 ms'] as number) / (other['p99 ms'] as number);
    row['RSS ×mosq'] = (row['RSS KiB/conn'] as number) / (other['RSS KiB/conn'] as number);
  }
}

function fixedNotes(): string[] {
  return [
    'Latency = receive time − scheduled send time (open-loop publisher, no coordinated omission), merged over subscribers; medians over repeats.',
    'Runs alternate between the systems scenario by scenario (ours then Mosquitto, then Mosquitto then ours, …), so the figures a ratio compares were taken minutes apart.',
    'lost = deliveries expected but not received within 5 s after deliveries stopped progressing.',
    'cpu µs/delivery = broker process CPU (user+system, /proc) during the measured run and its drain ÷ messages delivered.',
    `RSS KiB/conn = marginal broker RSS per idle subscribed client: (RSS with ${2 * settings.idleConnections} clients − RSS with ${settings.idleConnections}) ÷ ${settings.idleConnections}.`,
    `ours: broker/dist/main.js with token auth and topic rules on (LOG_LEVEL ${process.env.BENCH_BROKER_LOG_LEVEL ?? 'info'}); mosquitto: anonymous (TCP: the system one on 1883, WebSocket: one started by the bench).`,
    `WebSocket clients: mqtt.js with ${settings.wsWrites === 'joined' ? "each tick's writes joined into one frame (as mqtt.js does in browsers)" : "mqtt.js's stock Node stream (a frame per chunk)"}.`,
    'gen cpu % = load generators (publisher + subscriber processes) CPU ÷ wall time; near 100% means the generator core was saturated.',
    'broker wait % = time the broker was runnable but waiting for its core (/proc/<pid>/schedstat): above a few % something else competed for cpu 0 and the figures are not clean.',
  ];
}

/** One plot per shape as well: eight curves are readable, twenty-four are not. Returns the file names. */
function writeShapePlots(histograms: Record<string, LatencyRecorder>, svgOptions: LatencySvgOptions): string[] {
  const shapePlots: string[] = [];
  for (const shape of SHAPES) {
    const curves: Record<string, Array<{ percentile: number; ms: number }>> = {};
    for (const [key, recorder] of Object.entries(histograms)) if (key.split(' ')[0]?.endsWith(`-${shape.name}`)) curves[key] = recorder.percentileCurve();
    if (Object.keys(curves).length === 0) continue;
    const file = `${settings.name}-${shape.name}.svg`;
    writeFileSync(
      path.join(resultsDir(), file),
      renderLatencySvg(
        curves,
        `broker ${shape.name}: latency by percentile (${shape.subscribers} subscribers, ${shape.topics} topic${shape.topics > 1 ? 's' : ''})`,
        svgOptions,
      ),
    );
    shapePlots.push(file);
  }
  return shapePlots;
}

function markdown(rows: BenchRow[], notes: string[], shapePlots: string[], pinned: boolean, load: string): string {
  return [
    `### Broker benchmark${QUICK ? ' (quick)' : ''}`,
    '',
    `${settings.durationMs / 1000} s open-loop runs, ${settings.repeat > 1 ? `median of ${settings.repeat}, ` : ''}broker ${pinned ? `pinned to cpu ${BROKER_CPU}, generators to cpu 1` : 'not pinned'}, ` +
      `load average at start ${load}, Node ${process.version}.`,
    '',
    markdownTable(rows, COLUMNS),
    '',
    ...notes.map((n) => `- ${n}`),
    '',
    ...shapePlots.map((file) => `![${file}](${file})`),
    '',
  ].join('\n');
}

/** Prints the table and the run notes, then writes the results files. */
export function reportResults({ rows, histograms, runNotes, pinned, load, started }: BrokerBenchResults): void {
  addMosquittoRatios(rows);
  rows.sort((a, b) => a.scenario.localeCompare(b.scenario) || a.system.localeCompare(b.system));
  const meta = {
    quick: QUICK,
    ...settings,
    scenarios: settings.scenarios ? [...settings.scenarios] : 'all',
    shapes: SHAPES,
    cpus: availableParallelism(),
    pinned,
    loadAverageAtStart: load,
    loadAverageAtEnd: loadAverage(),
    node: process.version,
    elapsedSeconds: Math.round((Date.now() - started) / 1000),
  };
  const notes = [...fixedNotes(), ...runNotes];
  console.log('');
  printTable(rows, COLUMNS);
  if (runNotes.length > 0) console.log(`\n${runNotes.join('\n')}`);
  // Series sorted by scenario then system; one colour per scenario, Mosquitto dashed.
  const sorted: Record<string, LatencyRecorder> = {};
  for (const key of Object.keys(histograms).sort()) sorted[key] = histograms[key]!;
  const svgOptions = { dashed: (name: string) => name.endsWith(' mosquitto'), colourKey: (name: string) => name.split(' ')[0] ?? name };
  const written = writeResults(settings.name, { rows, notes, histograms: sorted, meta, svg: svgOptions });
  const shapePlots = writeShapePlots(sorted, svgOptions);
  const mdFile = path.join(resultsDir(), `${settings.name}.md`);
  writeFileSync(mdFile, markdown(rows, notes, shapePlots, pinned, load));
  console.log(`\nwrote ${written.json}, ${written.svg ?? ''}, ${mdFile} (${Math.round((Date.now() - started) / 1000)} s)`);
}
