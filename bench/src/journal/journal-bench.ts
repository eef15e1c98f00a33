/**
 * The zero-setup store's journal (service-kit's JournaledMap, what orders-service and
 * delivery-service keep their documents in without MONGO_URL) under a steady stream of writes:
 * how late each write is while the journal is being rewritten, when the rewrite runs all at once
 * (as before) and a slice per event-loop turn (now, from 1,000 documents). Both run here,
 * alternately, on the same documents.
 *
 *   npm run build && npm run bench:journal -w bench
 *   BENCH_JOURNAL_DOCS=7400,20000   live documents (7,400: the orders of the end-to-end bench's 1,000/s step)
 *   BENCH_JOURNAL_RATE=2000         writes per second
 *   BENCH_REPEAT=2                  runs per mode (alternating)
 *
 * Latency is open-loop: from each write's scheduled time to when `set` returned, so a write
 * scheduled while the loop was held counts the whole wait.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { JournaledMap } from '@orderpulse/service-kit';
import { LatencyRecorder, printTable, writeResults, type BenchRow } from '../lib/index.js';
import { machineLine, writeMarkdown } from '../system/report.js';
import { envNumber, envNumbers, QUICK } from '../system/settings.js';

const DOCUMENTS = envNumbers('BENCH_JOURNAL_DOCS', QUICK ? [7_400] : [7_400, 20_000]);
const RATE = envNumber('BENCH_JOURNAL_RATE', 2_000);
const REPEAT = envNumber('BENCH_REPEAT', QUICK ? 1 : 2);
/** JournaledMap's default: a journal is rewritten once it holds this many lines more than twice its documents. */
const SLACK_LINES = 1_000;
const COMPACTIONS = QUICK ? 1 : 3;

const MODES = [
  { name: 'all at once', incrementalFrom: Number.POSITIVE_INFINITY },
  { name: 'slice per turn', incrementalFrom: undefined },
] as const;

/** About the size of a stored order (715 bytes of JSON). */
function orderLike(n: number, version: number): object {
  const at = new Date().toISOString();
  return {
    id: `ord_${n}`,
    orderNumber: `ORD-${100_000 + n}`,
    customerId: `cust_${n}`,
    status: 'processing',
    version,
    items: [
      { sku: 'SKU-1', name: 'Widget with a longish name', quantity: 2, unitPriceCents: 1299 },
      { sku: 'SKU-2', name: 'Gadget', quantity: 1, unitPriceCents: 4999 },
    ],
    shippingAddress: { name: 'Customer Name', line1: '1 Long Street Name', city: 'Somewhere', postcode: 'AB1 2CD', country: 'GB' },
    history: Array.from({ length: 3 }, () => ({ status: 'processing', at, by: 'admin' })),
    createdAt: at,
    updatedAt: at,
  };
}

interface Run {
  latency: LatencyRecorder;
  writes: number;
  compactions: number;
  loopDelayMaxMs: number;
  cpuUsPerWrite: number;
}

async function runOnce(documents: number, incrementalFrom: number | undefined): Promise<Run> {
  const dir = mkdtempSync(path.join(tmpdir(), 'journal-bench-'));
  const map = JournaledMap.open<object>(path.join(dir, 'docs.jsonl'), { slackLines: SLACK_LINES, ...(incrementalFrom !== undefined && { incrementalFrom }) });
  try {
    for (let n = 0; n < documents; n += 1) map.set(`ord_${n}`, orderLike(n, 1));
    // Opening leaves one line per document; each rewrite starts after documents + slack more lines.
    const writes = COMPACTIONS * (documents + SLACK_LINES + 1) + Math.floor(documents / 2);
    const latency = new LatencyRecorder();
    const loop = monitorEventLoopDelay({ resolution: 1 });
    let compactions = 0;
    let lines = map.journalLines;
    const cpuBefore = process.cpuUsage();
    loop.enable();
    const start = performance.now();
    let sent = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const due = Math.min(writes, Math.floor(((performance.now() - start) * RATE) / 1000));
        for (; sent < due; sent += 1) {
          map.set(`ord_${sent % documents}`, orderLike(sent % documents, 2 + Math.floor(sent / documents)));
          latency.record(performance.now() - (start + (sent * 1000) / RATE));
          if (map.journalLines < lines) compactions += 1;
          lines = map.journalLines;
        }
        if (sent < writes) setTimeout(tick, 1);
        else resolve();
      };
      tick();
    });
    await map.whenCompacted();
    loop.disable();
    const cpu = process.cpuUsage(cpuBefore);
    return { latency, writes, compactions, loopDelayMaxMs: loop.max / 1e6, cpuUsPerWrite: (cpu.user + cpu.system) / writes };
  } finally {
    map.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log(`journal bench: ${DOCUMENTS.join(', ')} documents, ${RATE} writes/s, ${COMPACTIONS} rewrites per run, ${REPEAT} run(s) per mode, alternating`);
  const rows: BenchRow[] = [];
  const histograms: Record<string, LatencyRecorder> = {};
  for (const documents of DOCUMENTS) {
    const runs = new Map<string, Run[]>(MODES.map((m) => [m.name, []]));
    for (let r = 0; r < REPEAT; r += 1) {
      for (const mode of MODES) {
        const run = await runOnce(documents, mode.incrementalFrom);
        runs.get(mode.name)!.push(run);
        const s = run.latency.summary();
        console.log(
          `  ${documents} documents, ${mode.name}: p99 ${s.p99.toFixed(2)} ms, max ${s.max.toFixed(1)} ms, ${run.compactions} rewrites, ${run.cpuUsPerWrite.toFixed(1)} µs CPU/write`,
        );
      }
    }
    for (const mode of MODES) {
      const merged = new LatencyRecorder();
      const modeRuns = runs.get(mode.name)!;
      for (const run of modeRuns) merged.merge(run.latency);
      const s = merged.summary();
      const scenario = `${documents} documents`;
      histograms[`${scenario} ${mode.name}`] = merged;
      rows.push({
        scenario,
        system: mode.name,
        writes: modeRuns.reduce((sum, run) => sum + run.writes, 0),
        rewrites: modeRuns.reduce((sum, run) => sum + run.compactions, 0),
        'p50 ms': s.p50,
        'p99 ms': s.p99,
        'p99.9 ms': s.p999,
        'max ms': s.max,
        'loop delay max ms': Math.max(...modeRuns.map((run) => run.loopDelayMaxMs)),
        'CPU µs/write': modeRuns.reduce((sum, run) => sum + run.cpuUsPerWrite, 0) / modeRuns.length,
      });
    }
  }
  const columns = ['scenario', 'system', 'writes', 'rewrites', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'loop delay max ms', 'CPU µs/write'];
  printTable(rows, columns);
  const notes = [
    `${QUICK ? 'Quick' : 'Full'} run, ${new Date().toISOString()}, ${machineLine()}; took ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    `Each run opens a fresh journal, fills it with N documents of ~715 bytes (an order's size), then rewrites them round-robin at ${RATE}/s, open-loop, long enough for ${COMPACTIONS} journal rewrites (one every N + ${SLACK_LINES} writes); latency = when set() returned − the write's scheduled time; runs of the two modes alternate, ${REPEAT} of each, merged.`,
    '"all at once" is the rewrite as it was (JSON of every document, one fsync, rename, all in one turn; `incrementalFrom: Infinity`); "slice per turn" serialises ~256 KiB per turn, fsyncs on the thread pool and swaps files in one synchronous step, while writes go on to the old journal.',
    'CPU µs/write includes the rewrites (and JSON.stringify of each written document).',
  ];
  const written = writeResults('journal', { rows, notes, histograms, meta: { documents: DOCUMENTS, rate: RATE, repeat: REPEAT } });
  const md = writeMarkdown(
    'journal',
    "The zero-setup store's journal: write latency while it is rewritten",
    [`\`npm run bench:journal -w bench\`${QUICK ? ' (BENCH_QUICK=1)' : ''}. ${notes[0]}`],
    [{ title: 'Write latency from its scheduled time (ms)', rows, columns }],
    notes.slice(1),
  );
  console.log(`\nwrote ${written.json}, ${written.svg ?? ''}, ${md}`);
}

main().catch((err: unknown) => {
  console.error('bench:journal failed:', err);
  process.exit(1);
});
