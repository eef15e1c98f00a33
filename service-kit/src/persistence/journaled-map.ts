import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

type JournalLine<V> = [id: string, document: V | null];

/**
 * A Map whose every `set` and `delete` is appended to a file before it returns, and which is
 * rebuilt from that file when opened: the zero-setup store keeps its data across restarts
 * (and SIGKILL, since each write reaches the kernel synchronously) without a database.
 * One process per file. Values must be replaced with `set`, never mutated in place.
 */
export class JournaledMap<V> extends Map<string, V> {
  private fd: number | undefined;

  private constructor(private readonly file: string) {
    super();
  }

  static open<V>(file: string): JournaledMap<V> {
    const map = new JournaledMap<V>(file);
    mkdirSync(dirname(file), { recursive: true });
    if (existsSync(file)) {
      const lines = readFileSync(file, 'utf8').split('\n');
      for (const line of lines) {
        if (!line) continue;
        let entry: JournalLine<V>;
        try {
          entry = JSON.parse(line) as JournalLine<V>;
        } catch {
          continue; // a line cut short by a crash mid-write: the write it held never returned
        }
        const [id, document] = entry;
        if (document === null) Map.prototype.delete.call(map, id);
        else Map.prototype.set.call(map, id, document);
      }
    }
    map.compact();
    map.fd = openSync(file, 'a');
    return map;
  }

  override set(id: string, value: V): this {
    this.append([id, value]);
    return super.set(id, value);
  }

  override delete(id: string): boolean {
    if (!super.has(id)) return false;
    this.append([id, null]);
    return super.delete(id);
  }

  override clear(): void {
    for (const id of [...this.keys()]) this.delete(id);
  }

  close(): void {
    if (this.fd === undefined) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
  }

  /** Rewrites the file with one line per live document, atomically (write, then rename). */
  private compact(): void {
    const lines = [...this.entries()].map(([id, value]) => JSON.stringify([id, value] satisfies JournalLine<V>));
    const temporary = `${this.file}.compacting`;
    writeFileSync(temporary, lines.length ? `${lines.join('\n')}\n` : '');
    renameSync(temporary, this.file);
  }

  private append(line: JournalLine<V>): void {
    // During construction Map calls set() before the file is open; those entries come from it.
    if (this.fd === undefined) return;
    writeSync(this.fd, `${JSON.stringify(line)}\n`);
  }
}
