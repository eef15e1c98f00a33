import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runFolderName } from '../src/lib/index.js';
import { estimateSeconds, formatDuration, planLine, STEPS } from '../src/run-all.js';

describe('npm run bench', () => {
  const withResults = (fn: (dir: string) => void) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-results-'));
    try {
      fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const run = (dir: string, name: string, durations: object) => {
    mkdirSync(path.join(dir, 'runs', name), { recursive: true });
    writeFileSync(path.join(dir, 'runs', name, 'durations.json'), JSON.stringify(durations));
  };

  it('names each run folder by its start time, so folders sort in run order and never collide with committed files', () => {
    expect(runFolderName(new Date('2026-12-06T05:10:00.123Z'))).toBe('2026-12-06T05-10-00Z');
  });

  it('estimates each bench from the newest earlier run of the same kind, else from the "took N s" of the committed results', () => {
    withResults((dir) => {
      writeFileSync(path.join(dir, 'e2e.json'), JSON.stringify({ notes: ['Full run, 2026-11-26, took 124 s.'] }));
      writeFileSync(path.join(dir, 'polling.json'), JSON.stringify({ notes: ['took 300 s.'] }));
      run(dir, '2026-12-01T00-00-00Z', { quick: false, seconds: { broker: 500, polling: 280 } });
      run(dir, '2026-12-02T00-00-00Z', { quick: false, seconds: { broker: 420 } });
      run(dir, '2026-12-03T00-00-00Z', { quick: true, seconds: { broker: 60 } });
      expect(estimateSeconds(dir, false)).toEqual({ broker: 420, polling: 280, e2e: 124 });
      expect(estimateSeconds(dir, true)).toEqual({ broker: 60 });
    });
  });

  it('says before it starts how long the whole run takes, per bench, and where the results go', () => {
    const line = planLine(STEPS, { broker: 420, e2e: 124, polling: 280, capacity: 200, journal: 180, consoles: 660 }, '/r/runs/x');
    expect(line).toContain('6 benchmarks, about 31 min');
    expect(line).toContain('broker ~7 min, e2e ~2 min, polling ~5 min, capacity ~3 min, journal ~3 min, consoles ~11 min');
    expect(line).toContain('results → /r/runs/x');
    expect(planLine(STEPS, { broker: 420 }, '/r')).toContain('at least 7 min');
    expect(planLine(STEPS, {}, '/r')).toContain('duration unknown (first run)');
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(7200)).toBe('2.0 h');
  });
});
