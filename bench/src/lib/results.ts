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

/** bench/results, resolved from this file rather than the working directory. */
export function resultsDir(): string {
  return process.env.BENCH_RESULTS_DIR ? path.resolve(process.env.BENCH_RESULTS_DIR) : path.join(BENCH_DIR, 'results');
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
    values.map((v, i) => (numeric[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
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
