import { mkdtempSync, appendFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it, expect } from '@jest/globals';
import { JournaledMap } from '../src/index.js';

describe('JournaledMap', () => {
  const dirs: string[] = [];
  const aFile = () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    dirs.push(dir);
    return join(dir, 'nested', 'docs.jsonl');
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('when reopened, then it holds what was last set and nothing deleted', () => {
    const file = aFile();
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
    const file = aFile();
    const map = JournaledMap.open<number>(file);
    for (let i = 0; i < 10; i += 1) map.set('x', i);
    map.close();
    JournaledMap.open<number>(file).close();
    expect(readFileSync(file, 'utf8')).toBe('["x",9]\n');
  });

  it('when the last line was cut short by a crash, then the complete lines still load', () => {
    const file = aFile();
    const map = JournaledMap.open<number>(file);
    map.set('kept', 1);
    map.close();
    appendFileSync(file, '["lost", 2');
    const reopened = JournaledMap.open<number>(file);
    expect([...reopened.entries()]).toEqual([['kept', 1]]);
    reopened.close();
  });

  it('when a write returns, then it is already in the file (it survives a kill)', () => {
    const file = aFile();
    const map = JournaledMap.open<string>(file);
    map.set('k', 'v');
    expect(readFileSync(file, 'utf8')).toBe('["k","v"]\n');
    map.close();
  });
});
