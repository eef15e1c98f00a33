import { describe, it, expect } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  LatencyRecorder,
  median,
  openLoop,
  nowMs,
  monotonicMs,
  renderLatencySvg,
  logRange,
  logTicks,
  writeResults,
  markdownTable,
  formatTable,
  localAddress,
  resultsDir,
  readProcessCpu,
  readRssBytes,
  CpuMeter,
  summarise,
} from '../src/index.js';
import { readContextSwitches } from '../src/system/server-processes.js';

describe('LatencyRecorder', () => {
  it('when given 1..1000 ms, then percentiles are within HDR precision and in milliseconds', () => {
    const recorder = new LatencyRecorder();
    for (let i = 1; i <= 1000; i++) recorder.record(i);
    const s = recorder.summary();
    expect(s.count).toBe(1000);
    expect(s.p50).toBeCloseTo(500, -0.5);
    expect(s.p99).toBeGreaterThan(985);
    expect(s.p99).toBeLessThan(995);
    expect(s.p999).toBeGreaterThan(995);
    expect(s.max).toBeCloseTo(1000, -0.5);
    expect(s.mean).toBeCloseTo(500.5, -0.5);
  });

  it('when values are sub-millisecond, then microseconds are kept', () => {
    const recorder = new LatencyRecorder();
    recorder.record(0.25);
    expect(recorder.summary().p50).toBeCloseTo(0.25, 3);
  });

  it('when a value is above 60 s or negative, then it is clamped and counted', () => {
    const recorder = new LatencyRecorder();
    recorder.record(120_000);
    recorder.record(-1);
    expect(recorder.count).toBe(2);
    expect(recorder.overflow).toBe(1);
    expect(recorder.summary().max).toBeCloseTo(60_000, -2);
  });

  it('when serialised, merged and deserialised, then counts add up', () => {
    const a = new LatencyRecorder();
    const b = new LatencyRecorder();
    for (let i = 0; i < 100; i++) a.record(1);
    for (let i = 0; i < 100; i++) b.record(3);
    const copy = LatencyRecorder.fromJSON(JSON.parse(JSON.stringify(b)));
    a.merge(copy);
    expect(a.count).toBe(200);
    expect(a.summary().p50).toBeCloseTo(1, 2);
    expect(a.summary().max).toBeCloseTo(3, 2);
  });

  it('when empty, then the summary is NaN with count 0', () => {
    const s = new LatencyRecorder().summary();
    expect(s.count).toBe(0);
    expect(s.p99).toBeNaN();
    expect(new LatencyRecorder().percentileCurve()).toEqual([]);
  });

  it('percentileCurve rises monotonically and ends at the maximum', () => {
    const recorder = new LatencyRecorder();
    for (let i = 1; i <= 10_000; i++) recorder.record(i / 100);
    const curve = recorder.percentileCurve();
    expect(curve[0]?.percentile).toBe(0);
    for (let i = 1; i < curve.length; i++) {
      expect(curve[i]!.percentile).toBeGreaterThan(curve[i - 1]!.percentile);
      expect(curve[i]!.ms).toBeGreaterThanOrEqual(curve[i - 1]!.ms);
    }
    expect(curve[curve.length - 1]!.ms).toBeCloseTo(100, 0);
  });
});

describe('openLoop', () => {
  it('sends rate × duration times with scheduled times on a fixed grid', async () => {
    const sent: Array<[number, number]> = [];
    const start = nowMs();
    await openLoop({ ratePerSecond: 1000, durationMs: 200, startAt: start, send: (at, seq) => sent.push([at, seq]) });
    expect(sent).toHaveLength(200);
    sent.forEach(([at, seq], i) => {
      expect(seq).toBe(i);
      expect(at).toBeCloseTo(start + i, 6);
    });
    expect(nowMs()).toBeGreaterThanOrEqual(start + 199);
  });

  it.each(['sleep', 'spin'] as const)('with idle=%s, sends follow the schedule', async (idle) => {
    const sent: number[] = [];
    const start = nowMs();
    await openLoop({ ratePerSecond: 2000, durationMs: 100, startAt: start, idle, send: (at) => sent.push(at) });
    expect(sent).toHaveLength(200);
    expect(sent[199]).toBeCloseTo(start + 99.5, 6);
  });

  it('when given a clock, then its scheduled times are on that clock', async () => {
    const sent: number[] = [];
    const before = monotonicMs();
    await openLoop({ ratePerSecond: 1000, durationMs: 20, clock: monotonicMs, send: (at) => sent.push(at) });
    expect(sent).toHaveLength(20);
    expect(sent[0]).toBeGreaterThanOrEqual(before);
    expect(sent[19]!).toBeLessThanOrEqual(monotonicMs());
  });

  it('the monotonic clock reads the same in another process (what cross-process latencies rest on)', () => {
    const before = monotonicMs();
    const child = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(Number(process.hrtime.bigint()) / 1e6))']).toString());
    const after = monotonicMs();
    expect(child).toBeGreaterThanOrEqual(before);
    expect(child).toBeLessThanOrEqual(after);
  });

  it('when the event loop is blocked, then the missed sends go out in a burst with their scheduled times', async () => {
    const sent: number[] = [];
    const start = nowMs();
    const blockUntil = start + 50;
    await openLoop({
      ratePerSecond: 1000,
      durationMs: 100,
      startAt: start,
      send: (at) => {
        sent.push(at);
        if (sent.length === 1)
          while (nowMs() < blockUntil) {
            // busy: simulate a late event loop
          }
      },
    });
    expect(sent).toHaveLength(100);
    expect(sent[10]).toBeCloseTo(start + 10, 6);
  });
});

describe('renderLatencySvg', () => {
  it('draws one polyline and one legend entry per series, with percentile ticks', () => {
    const svg = renderLatencySvg(
      {
        'ours <ws>': [
          { percentile: 0, ms: 1 },
          { percentile: 90, ms: 2 },
          { percentile: 99.9, ms: 5 },
        ],
        mosquitto: [
          { percentile: 0, ms: 0.5 },
          { percentile: 99, ms: 1 },
        ],
      },
      'title & more',
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('ours &lt;ws&gt;');
    expect(svg).toContain('title &amp; more');
    for (const label of ['0%', '90%', '99%', '99.9%', '99.99%']) expect(svg).toContain(`>${label}<`);
  });

  it('puts latency on a log scale, so each decade takes the same height and a 3 ms curve is readable beside a 3 s one', () => {
    const svg = renderLatencySvg(
      {
        low: [
          { percentile: 0, ms: 1 },
          { percentile: 99, ms: 10 },
        ],
        high: [
          { percentile: 0, ms: 100 },
          { percentile: 99, ms: 1000 },
        ],
      },
      't',
    );
    const ys = (svg.match(/<polyline[^>]*points="([^"]+)"/g) ?? []).flatMap((p) =>
      /points="([^"]+)"/
        .exec(p)![1]!
        .split(' ')
        .map((xy) => Number(xy.split(',')[1])),
    );
    const [y1, y10, y100, y1000] = ys as [number, number, number, number];
    expect(y1 - y10).toBeCloseTo(y10 - y100, 0);
    expect(y10 - y100).toBeCloseTo(y100 - y1000, 0);
    expect(y1 - y10).toBeGreaterThan(100);
    expect(svg).toContain('latency (ms, log scale)');
    for (const label of ['1', '10', '100', '1000']) expect(svg).toContain(`>${label}<`);
  });

  it('spans whole decades around the data and ticks 1, 2 and 5 of each', () => {
    expect(logRange(0.4, 3_200)).toEqual({ from: 0.1, to: 10_000 });
    expect(logRange(5, 5)).toEqual({ from: 1, to: 10 });
    expect(logRange(Infinity, 0)).toEqual({ from: 0.1, to: 10 });
    expect(logTicks(1, 100)).toEqual([1, 2, 5, 10, 20, 50, 100]);
  });

  it('draws dashed series and shares colours by key when asked', () => {
    const curve = [
      { percentile: 0, ms: 1 },
      { percentile: 99, ms: 2 },
    ];
    const svg = renderLatencySvg({ 'a ours': curve, 'a mosquitto': curve, 'b ours': curve }, 't', {
      dashed: (name) => name.endsWith('mosquitto'),
      colourKey: (name) => name.split(' ')[0]!,
    });
    const polylines = svg.match(/<polyline[^>]*>/g) ?? [];
    expect(polylines).toHaveLength(3);
    expect(polylines.filter((p) => p.includes('stroke-dasharray'))).toHaveLength(1);
    const colour = (p: string) => /stroke="([^"]+)"/.exec(p)?.[1];
    expect(colour(polylines[0]!)).toBe(colour(polylines[1]!));
    expect(colour(polylines[2]!)).not.toBe(colour(polylines[0]!));
  });
});

describe('results', () => {
  const rows = [
    { scenario: 'a', system: 'ours', p50: 1.23456, deliveries: 1000 },
    { scenario: 'b|c', system: 'mosquitto', p50: 12.5, deliveries: 20 },
  ];

  it('markdownTable escapes pipes and right-aligns numbers', () => {
    const md = markdownTable(rows, ['scenario', 'system', 'p50', 'deliveries']).split('\n');
    expect(md[0]).toBe('| scenario | system | p50 | deliveries |');
    expect(md[1]).toBe('|---|---|---:|---:|');
    expect(md[2]).toBe('| a | ours | 1.23 | 1000 |');
    expect(md[3]).toBe('| b\\|c | mosquitto | 12.5 | 20 |');
  });

  it('formatTable aligns columns', () => {
    const lines = formatTable(rows, ['scenario', 'p50']).split('\n');
    expect(new Set(lines.map((l) => l.length)).size).toBeLessThanOrEqual(2);
    expect(lines[2]).toMatch(/^a\s+1\.23$/);
  });

  it('writeResults writes JSON with summaries and an SVG', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-results-'));
    const previous = process.env.BENCH_RESULTS_DIR;
    process.env.BENCH_RESULTS_DIR = dir;
    try {
      const recorder = new LatencyRecorder();
      for (let i = 1; i <= 100; i++) recorder.record(i);
      const written = writeResults('unit', { rows, notes: ['n'], histograms: { 'a ours': recorder }, meta: { quick: true } });
      const json = JSON.parse(readFileSync(written.json, 'utf8'));
      expect(json.rows).toHaveLength(2);
      expect(json.notes).toEqual(['n']);
      expect(json.histograms['a ours'].summary.count).toBe(100);
      expect(LatencyRecorder.fromJSON(json.histograms['a ours'].encoded).count).toBe(100);
      expect(readFileSync(written.svg!, 'utf8')).toContain('<polyline');
    } finally {
      if (previous === undefined) delete process.env.BENCH_RESULTS_DIR;
      else process.env.BENCH_RESULTS_DIR = previous;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('process stats and addresses', () => {
  it('reads this process CPU and RSS', () => {
    const cpu = readProcessCpu(process.pid);
    expect(cpu.userMs).toBeGreaterThan(0);
    expect(readRssBytes(process.pid)).toBeGreaterThan(10 * 1024 * 1024);
    const meter = new CpuMeter(process.pid);
    meter.start();
    const used = meter.stop();
    expect(used.cpuMs).toBeGreaterThanOrEqual(0);
  });

  it('counts a wake-up each time the process blocks', () => {
    // A futex wait with a timeout always sleeps; a timer may find its time already past on a busy machine and not block.
    const cell = new Int32Array(new SharedArrayBuffer(4));
    const before = readContextSwitches(process.pid);
    for (let i = 0; i < 20; i += 1) Atomics.wait(cell, 0, 0, 2);
    const after = readContextSwitches(process.pid);
    expect(after.voluntary - before.voluntary).toBeGreaterThanOrEqual(20);
    expect(after.involuntary).toBeGreaterThanOrEqual(before.involuntary);
  });

  it('spreads clients over 127.0.0.2 and up', () => {
    expect(localAddress(0)).toBe('127.0.0.2');
    expect(localAddress(1)).toBe('127.0.0.3');
    expect(localAddress(250)).toBe('127.0.0.2');
  });

  it('keeps the old summarise export', () => {
    expect(summarise([1, 2, 3]).p50).toBe(2);
  });
});

describe('resultsDir', () => {
  it('reads a relative BENCH_RESULTS_DIR from where the command was typed (npm -w runs in bench/)', () => {
    const saved = { dir: process.env.BENCH_RESULTS_DIR, init: process.env.INIT_CWD };
    try {
      process.env.BENCH_RESULTS_DIR = 'bench/results';
      process.env.INIT_CWD = '/repo';
      expect(resultsDir()).toBe(path.resolve('/repo/bench/results'));
      process.env.BENCH_RESULTS_DIR = '/elsewhere/results';
      expect(resultsDir()).toBe(path.resolve('/elsewhere/results'));
    } finally {
      for (const [name, value] of [
        ['BENCH_RESULTS_DIR', saved.dir],
        ['INIT_CWD', saved.init],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});

describe('median', () => {
  it('is the middle value, the mean of the middle two for an even count, over finite values only; NaN for none', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7, Number.NaN, 1, Number.POSITIVE_INFINITY])).toBe(4);
    expect(median([])).toBeNaN();
  });
});
