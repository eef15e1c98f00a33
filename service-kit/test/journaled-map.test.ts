import { mkdtempSync, appendFileSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, it, expect } from '@jest/globals';
import { JournaledMap } from '../src/index.js';
import { waitFor } from '../src/testing/wait-for.js';

const dirs: string[] = [];
/** A journal path in a fresh temporary folder (`nested` puts it one folder further down). */
function aFile(where: 'nested' | 'top' = 'top'): string {
  const dir = mkdtempSync(join(tmpdir(), 'journal-'));
  dirs.push(dir);
  return where === 'nested' ? join(dir, 'nested', 'docs.jsonl') : join(dir, 'docs.jsonl');
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** What the journal at `file` holds when opened again. */
function reopenedEntries(file: string): Array<[string, unknown]> {
  const reopened = JournaledMap.open<unknown>(file);
  const entries = [...reopened.entries()];
  reopened.close();
  return entries;
}

describe('JournaledMap', () => {
  it('when reopened, then it holds what was last set and nothing deleted', () => {
    const file = aFile('nested');
    const first = JournaledMap.open<{ v: number }>(file);
    first.set('a', { v: 1 });
    first.set('b', { v: 1 });
    first.set('a', { v: 2 });
    first.delete('b');
    first.close();

    const second = JournaledMap.open<{ v: number }>(file);
    expect([...second.entries()]).toEqual([['a', { v: 2 }]]);
    second.close();
  });

  it('when reopened, then the file is compacted to one line per document', () => {
    const file = aFile('nested');
    const map = JournaledMap.open<number>(file);
    for (let i = 0; i < 10; i += 1) map.set('x', i);
    map.close();
    JournaledMap.open<number>(file).close();
    expect(readFileSync(file, 'utf8')).toBe('["x",9]\n');
  });

  it('when the last line was cut short by a crash, then the complete lines still load', () => {
    const file = aFile('nested');
    const map = JournaledMap.open<number>(file);
    map.set('kept', 1);
    map.close();
    appendFileSync(file, '["lost", 2');
    const reopened = JournaledMap.open<number>(file);
    expect([...reopened.entries()]).toEqual([['kept', 1]]);
    reopened.close();
  });

  it('when many are set at once, then all their lines are in the file, in order, when it returns, and a reopen holds the last of each', () => {
    const file = aFile();
    const map = JournaledMap.open<number>(file);
    map.set('a', 0);
    map.setMany([
      ['a', 1],
      ['b', 2],
      ['a', 3],
    ]);
    map.setMany([]);
    expect(readFileSync(file, 'utf8')).toBe('["a",0]\n["a",1]\n["b",2]\n["a",3]\n');
    expect(map.journalLines).toBe(4);
    expect([...map.entries()]).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
    map.close();
    expect(reopenedEntries(file)).toEqual([...map.entries()]);
  });

  it('when a change is set soon, then it is in memory at once and its line goes first in the next write, in order', () => {
    const file = aFile();
    const map = JournaledMap.open<number>(file);
    map.setSoon('a', 1);
    expect(map.get('a')).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe('');
    map.setSoon('b', 2);
    map.set('a', 3);
    expect(readFileSync(file, 'utf8')).toBe('["a",1]\n["b",2]\n["a",3]\n');
    expect(map.journalLines).toBe(3);
    map.close();
  });

  it('when nothing else is written, then a line set soon is written within a moment, and close writes what still waits', async () => {
    const file = aFile();
    const map = JournaledMap.open<number>(file);
    map.setSoon('a', 1);
    await waitFor(() => readFileSync(file, 'utf8') === '["a",1]\n', 'the line set soon in the file', 2_000);
    map.setSoon('b', 2);
    map.close();
    expect(readFileSync(file, 'utf8')).toBe('["a",1]\n["b",2]\n');
    expect(reopenedEntries(file)).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('when the process dies before a line set soon was written, then a reopen has the value before it (what setSoon is for: changes made again after a restart)', () => {
    const file = aFile();
    const map = JournaledMap.open<string>(file);
    map.set('order', 'with its event pending');
    map.setSoon('order', 'event published');
    const afterKill = JournaledMap.open<string>(file); // the first map never wrote its waiting line
    expect(afterKill.get('order')).toBe('with its event pending');
    afterKill.close();
    map.close();
  });

  it('when a write returns, then it is already in the file (it survives a kill)', () => {
    const file = aFile('nested');
    const map = JournaledMap.open<string>(file);
    map.set('k', 'v');
    expect(readFileSync(file, 'utf8')).toBe('["k","v"]\n');
    map.close();
  });
});

describe('JournaledMap while it runs', () => {
  it('when one document is rewritten 20,000 times, then the file stays bounded and keeps the last value', () => {
    const file = aFile();
    const map = JournaledMap.open<{ n: number; pad: string }>(file, { slackLines: 100 });
    map.set('other', { n: -1, pad: 'x' });
    let largest = 0;
    for (let n = 0; n < 20_000; n += 1) {
      map.set('hot', { n, pad: 'y'.repeat(200) });
      largest = Math.max(largest, statSync(file).size);
    }
    // Two live documents and at most 100 + 2 × 2 lines of ~220 bytes before each rewrite.
    expect(map.journalLines).toBeLessThanOrEqual(2 * 2 + 100);
    expect(largest).toBeLessThan(110 * 230);
    map.close();
    const reopened = JournaledMap.open<{ n: number }>(file);
    expect(reopened.get('hot')?.n).toBe(19_999);
    expect(reopened.get('other')?.n).toBe(-1);
    reopened.close();
  });

  it('when documents are deleted, then compaction drops them and a reopen agrees with memory', () => {
    const file = aFile();
    const map = JournaledMap.open<number>(file, { slackLines: 10 });
    for (let i = 0; i < 500; i += 1) map.set(`k${i}`, i);
    for (let i = 0; i < 500; i += 2) map.delete(`k${i}`);
    const inMemory = [...map.entries()];
    map.close();
    expect(readFileSync(file, 'utf8').trim().split('\n').length).toBeLessThanOrEqual(2 * 250 + 10);
    const reopened = JournaledMap.open<number>(file);
    expect([...reopened.entries()]).toEqual(inMemory);
    reopened.close();
  });

  it('when a compaction was cut short by a crash, then the journal it was replacing still loads whole', () => {
    const file = aFile();
    const map = JournaledMap.open<number>(file);
    map.set('a', 1);
    map.set('b', 2);
    map.close();
    writeFileSync(`${file}.compacting`, '["a",1]\n["b"'); // what a crash mid-rewrite leaves beside it
    const reopened = JournaledMap.open<number>(file);
    expect([...reopened.entries()]).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    reopened.close();
  });
  it('when 5,000 documents (over 1 MiB) are compacted, then they are written in a few large writes, not one per document, and read back whole', () => {
    const file = aFile();
    const map = JournaledMap.open<{ n: number; text: string }>(file);
    for (let n = 0; n < 5_000; n += 1) map.set(`doc-${n}`, { n, text: 'x'.repeat(200) });
    map.close();
    const writeCalls = () => Number(/^syscw:\s+(\d+)/m.exec(readFileSync('/proc/self/io', 'utf8'))?.[1]);
    const before = writeCalls();
    const reopened = JournaledMap.open<{ n: number; text: string }>(file); // opening compacts
    const writes = writeCalls() - before;
    expect(statSync(file).size).toBeGreaterThan(1 << 20);
    expect(writes).toBeLessThan(20);
    expect(reopened.size).toBe(5_000);
    expect(reopened.get('doc-4999')).toEqual({ n: 4_999, text: 'x'.repeat(200) });
    reopened.close();
    const again = JournaledMap.open<{ n: number; text: string }>(file);
    expect([...again.keys()]).toEqual(Array.from({ length: 5_000 }, (_, n) => `doc-${n}`));
    again.close();
  });
});

describe('JournaledMap compacting a large map a slice per turn', () => {
  const body = 'z'.repeat(400);
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
  const rewriteFiles = (file: string) => readdirSync(dirname(file)).filter((name) => name.includes('.compacting'));

  /** 3,000 documents of ~420 bytes (~1.3 MB, several slices), each rewritten until a compaction starts. */
  function mapAboutToCompact(file: string, onCompactionFailed?: (err: Error) => void) {
    const map = JournaledMap.open<{ n: number; body: string }>(file, { slackLines: 10, incrementalFrom: 100, onCompactionFailed });
    for (let n = 0; n < 3_000; n += 1) map.set(`doc-${n}`, { n, body });
    for (let n = 0; n < 10_000 && rewriteFiles(file).length === 0; n += 1) map.set(`doc-${n % 3_000}`, { n, body });
    expect(rewriteFiles(file)).toHaveLength(1); // a rewrite is under way, not done in place
    return map;
  }

  it('when it compacts, then writes and deletes go on between its slices, and the new file holds them all', async () => {
    const file = aFile();
    const map = mapAboutToCompact(file);
    const linesBefore = map.journalLines;
    let done = false;
    void map.whenCompacted().then(() => (done = true));
    let turns = 0;
    let lastBatch = 0;
    while (!done) {
      map.set('hot', { n: turns, body: 'h' });
      map.delete(`doc-${turns}`);
      // Every eighth turn only: a slow fsync of the rewrite can take hundreds of turns, and their lines must stay fewer than the rewrite drops.
      if (turns % 8 === 0) {
        map.setMany([
          [`batch-${turns}`, { n: turns, body: 'b' }],
          ['hot-batch', { n: turns, body: 'b' }],
        ]);
        map.setSoon('hot-soon', { n: turns, body: 's' });
        lastBatch = turns;
      }
      turns += 1;
      await nextTurn();
    }
    // The rewrite took several turns, and each of them could write.
    expect(turns).toBeGreaterThan(2);
    expect(map.journalLines).toBeLessThan(linesBefore);
    expect(rewriteFiles(file)).toEqual([]);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(map.journalLines);
    const inMemory = [...map.entries()].sort(([a], [b]) => a.localeCompare(b));
    map.close();
    const reopened = JournaledMap.open<{ n: number; body: string }>(file);
    expect([...reopened.entries()].sort(([a], [b]) => a.localeCompare(b))).toEqual(inMemory);
    expect(reopened.get('hot')).toEqual({ n: turns - 1, body: 'h' });
    expect(reopened.get('hot-batch')).toEqual({ n: lastBatch, body: 'b' });
    expect(reopened.get('hot-soon')).toEqual({ n: lastBatch, body: 's' });
    expect(reopened.get('batch-0')).toEqual({ n: 0, body: 'b' });
    expect(reopened.has('doc-0')).toBe(false);
    reopened.close();
  });

  it('when it is closed mid-compaction, then the old journal loads whole and the half-written rewrite is gone', async () => {
    const file = aFile();
    const map = mapAboutToCompact(file);
    map.set('last', { n: -1, body: 'l' });
    const inMemory = [...map.entries()].sort(([a], [b]) => a.localeCompare(b));
    map.close();
    const reopened = JournaledMap.open<{ n: number; body: string }>(file);
    expect([...reopened.entries()].sort(([a], [b]) => a.localeCompare(b))).toEqual(inMemory);
    await map.whenCompacted();
    await nextTurn();
    expect(rewriteFiles(file)).toEqual([]);
    reopened.close();
  });

  it('when the rewrite fails, then it is reported, the old journal stays in use and whole, and the next growth tries again', async () => {
    const file = aFile();
    const failures: Error[] = [];
    const map = mapAboutToCompact(file, (err) => failures.push(err));
    for (const name of rewriteFiles(file)) rmSync(join(dirname(file), name)); // the rename will find nothing
    const pending = map.whenCompacted();
    map.set('during', { n: 1, body: 'd' });
    await pending;
    expect(failures).toHaveLength(1);
    expect(failures[0]!.message).toMatch(/ENOENT/);
    // Not on the very next write (a full disk would make every write try again), but once the
    // journal has grown by the slack (10 lines here).
    map.set('after', { n: -1, body: 'a' });
    expect(rewriteFiles(file)).toEqual([]);
    let writes = 1;
    for (; writes < 20 && rewriteFiles(file).length === 0; writes += 1) map.set('after', { n: writes, body: 'a' });
    expect(rewriteFiles(file)).toHaveLength(1);
    expect(writes).toBeGreaterThanOrEqual(10);
    await map.whenCompacted();
    expect(failures).toHaveLength(1);
    const inMemory = [...map.entries()].sort(([a], [b]) => a.localeCompare(b));
    map.close();
    const reopened = JournaledMap.open<{ n: number; body: string }>(file);
    expect([...reopened.entries()].sort(([a], [b]) => a.localeCompare(b))).toEqual(inMemory);
    expect(reopened.get('during')).toEqual({ n: 1, body: 'd' });
    reopened.close();
  });
});
