import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LatencyRecorder } from './histogram.js';
import { renderLatencySvg, type LatencySvgOptions } from './svg.js';

export interface BenchRow {
  scenario: string;
  system: string;
  [metric: string]: string | number;
}

/** The bench package directory (…/bench), whether running from src (ts) or dist (js). */
export const BENCH_DIR = path.resolve(__dirname, '..', '..');

/** The committed results, resolved from this file rather than the working directory. */
export const COMMITTED_RESULTS_DIR = path.join(BENCH_DIR, 'results');

let runDir: string | undefined;

/**
 * Where this run writes: BENCH_RESULTS_DIR when set (`npm run bench` sets one folder for all its
 * benchmarks; BENCH_RESULTS_DIR=bench/results replaces the committed results on purpose), else a
 * folder of this process's own under bench/results/runs/, so a run never overwrites what is committed.
 */
export function resultsDir(): string {
  // Relative to where the command was typed: `npm run … -w bench` runs in bench/, and npm keeps the caller's folder in INIT_CWD.
  if (process.env.BENCH_RESULTS_DIR) return path.resolve(process.env.INIT_CWD ?? process.cwd(), process.env.BENCH_RESULTS_DIR);
  runDir ??= path.join(COMMITTED_RESULTS_DIR, 'runs', runFolderName(new Date()));
  return runDir;
}

/** A folder name for a run that sorts by time: 2026-12-06T05-10-00Z. */
export function runFolderName(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
}

export interface ResultsData {
  rows: BenchRow[];
  notes?: string[];
  histograms?: Record<string, LatencyRecorder>;
  meta?: object;
  /** Styling of the SVG's series. */
  svg?: LatencySvgOptions;
}

/**
 * Writes bench/results/<name>.json (rows, notes, meta, latency summaries, percentile curves and encoded
 * histograms) and, when there are histograms, bench/results/<name>.svg. Returns the paths written.
 */
export function writeResults(name: string, data: ResultsData): { json: string; svg?: string } {
  const dir = resultsDir();
  mkdirSync(dir, { recursive: true });
  const histograms: Record<string, unknown> = {};
  const curves: Record<string, Array<{ percentile: number; ms: number }>> = {};
  for (const [key, recorder] of Object.entries(data.histograms ?? {})) {
    curves[key] = recorder.percentileCurve();
    histograms[key] = { summary: recorder.summary(), curve: curves[key], encoded: recorder.toJSON() };
  }
  const json = path.join(dir, `${name}.json`);
  const document = { name, generatedAt: new Date().toISOString(), meta: data.meta ?? {}, notes: data.notes ?? [], rows: data.rows, histograms };
  writeFileSync(json, `${JSON.stringify(document, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
  if (Object.keys(curves).length === 0) return { json };
  const svg = path.join(dir, `${name}.svg`);
  writeFileSync(svg, renderLatencySvg(curves, `${name}: latency by percentile`, data.svg));
  return { json, svg };
}

function formatCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return '–';
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

function cells(rows: readonly BenchRow[], columns: readonly string[]): string[][] {
  return rows.map((row) => columns.map((column) => formatCell(row[column])));
}

/** An aligned text table (numbers right-aligned) of the given columns. */
export function formatTable(rows: readonly BenchRow[], columns: readonly string[]): string {
  const body = cells(rows, columns);
  const widths = columns.map((column, i) => Math.max(column.length, ...body.map((r) => (r[i] ?? '').length)));
  const numeric = columns.map((column) => rows.some((row) => typeof row[column] === 'number'));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function printTable(rows: readonly BenchRow[], columns: readonly string[]): void {
  console.log(formatTable(rows, columns));
}

/** A Markdown table of the given columns (numbers right-aligned). */
export function markdownTable(rows: readonly BenchRow[], columns: readonly string[]): string {
  const body = cells(rows, columns);
  const numeric = columns.map((column) => rows.some((row) => typeof row[column] === 'number'));
  const escape = (v: string) => v.replace(/\|/g, '\\|');
  return [
    `| ${columns.map(escape).join(' | ')} |`,
    `|${numeric.map((n) => (n ? '---:' : '---')).join('|')}|`,
    ...body.map((r) => `| ${r.map(escape).join(' | ')} |`),
  ].join('\n');
}
