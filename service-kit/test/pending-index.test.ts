import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournaledMap, PendingEventsIndex } from '../src/index.js';

interface Stored {
  pendingEvents: { occurredAt: string }[];
}

const at = (minute: number) => ({ occurredAt: `2026-12-06T10:${String(minute).padStart(2, '0')}:00.000Z` });

/** A Map that refuses to be walked once `frozen`: what the index may read is `get` only. */
class NoScanMap extends Map<string, Stored> {
  frozen = false;
  override [Symbol.iterator]() {
    if (this.frozen) throw new Error('scanned every stored aggregate');
    return super[Symbol.iterator]();
  }
  override values() {
    if (this.frozen) throw new Error('scanned every stored aggregate');
    return super.values();
  }
}

describe('the in-memory stores’ index of aggregates with pending events', () => {
  it('when aggregates gain and lose pending events, then it lists those that have some, oldest event first, and counts their events', () => {
    const stored = new NoScanMap([
      ['b', { pendingEvents: [at(5)] }],
      ['a', { pendingEvents: [] }],
      ['c', { pendingEvents: [at(7), at(2)] }],
    ]);
    const index = new PendingEventsIndex(stored);
    for (let i = 0; i < 10_000; i++) stored.set(`quiet-${i}`, { pendingEvents: [] });
    stored.frozen = true;
    expect(index.oldestFirst(10)).toEqual(['c', 'b']);
    expect(index.count()).toBe(3);

    const put = (id: string, value: Stored) => index.set(id, value);
    put('a', { pendingEvents: [at(2)] }); // same oldest time as c: by id
    put('c', { pendingEvents: [at(7)] });
    expect(index.oldestFirst(10)).toEqual(['a', 'b', 'c']);
    expect(index.oldestFirst(2)).toEqual(['a', 'b']);
    put('b', { pendingEvents: [] });
    expect(index.oldestFirst(10)).toEqual(['a', 'c']);
    expect(index.count()).toBe(2);
    index.changed('a', undefined);
    expect(index.oldestFirst(10)).toEqual(['c']);
  });

  it('when a published event is dropped from a journaled store, then the index knows at once and the line waits for the next write', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pending-index-'));
    try {
      const file = join(dir, 'stored.jsonl');
      const journal = JournaledMap.open<Stored>(file);
      const index = new PendingEventsIndex(journal);
      index.set('a', { pendingEvents: [at(1)] });
      index.setPublished('a', { pendingEvents: [] });
      expect(index.oldestFirst(10)).toEqual([]);
      expect(journal.get('a')).toEqual({ pendingEvents: [] });
      expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
      index.set('b', { pendingEvents: [at(2)] });
      expect(readFileSync(file, 'utf8').trim().split('\n')).toEqual([
        JSON.stringify(['a', { pendingEvents: [at(1)] }]),
        JSON.stringify(['a', { pendingEvents: [] }]),
        JSON.stringify(['b', { pendingEvents: [at(2)] }]),
      ]);
      journal.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
