import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

type JournalLine<V> = [id: string, document: V | null];

/** A journal is rewritten once it holds this many lines more than live documents, and twice as many. */
const COMPACT_SLACK_LINES = 1_000;

/** Characters of lines gathered before each write while compacting. */
const COMPACT_CHUNK_CHARS = 1 << 20;

/** writeSync may write less than it was given; the rest follows. */
function writeFully(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

/**
 * A Map whose every `set` and `delete` is appended to a file before it returns, and which is
 * rebuilt from that file when opened: the zero-setup store keeps its data across restarts
 * (and SIGKILL, since each write reaches the kernel synchronously) without a database.
 * The file stays small: once it holds more than twice as many lines as there are live
 * documents (and 1,000 more), it is rewritten with one line per document, atomically (write,
 * fsync, rename), so a crash mid-way leaves the old journal whole. One process per file.
 * Values must be replaced with `set`, never mutated in place.
 */
export class JournaledMap<V> extends Map<string, V> {
  private fd: number | undefined;
  /** Lines in the file now. */
  private lines = 0;

  private constructor(
    private readonly file: string,
    private readonly slackLines: number,
  ) {
    super();
  }

  static open<V>(file: string, options: { slackLines?: number } = {}): JournaledMap<V> {
    const map = new JournaledMap<V>(file, options.slackLines ?? COMPACT_SLACK_LINES);
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
    return map;
  }

  /** Lines the journal file holds now (for tests and metrics). */
  get journalLines(): number {
    return this.lines;
  }

  override set(id: string, value: V): this {
    this.append([id, value]);
    super.set(id, value);
    this.compactWhenGrown();
    return this;
  }

  override delete(id: string): boolean {
    if (!super.has(id)) return false;
    this.append([id, null]);
    super.delete(id);
    this.compactWhenGrown();
    return true;
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

  /** Rewrites the file with one line per live document, atomically (write, fsync, rename), and appends to it from then on. */
  private compact(): void {
    const temporary = `${this.file}.compacting`;
    const fd = openSync(temporary, 'w');
    try {
      // Lines are gathered into chunks of about 1 MiB, one write each, not one write per document.
      let chunk: string[] = [];
      let chunkLength = 0;
      for (const [id, value] of super.entries()) {
        const line = `${JSON.stringify([id, value] satisfies JournalLine<V>)}\n`;
        chunk.push(line);
        chunkLength += line.length;
        if (chunkLength >= COMPACT_CHUNK_CHARS) {
          writeFully(fd, chunk.join(''));
          chunk = [];
          chunkLength = 0;
        }
      }
      if (chunk.length > 0) writeFully(fd, chunk.join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.file);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = openSync(this.file, 'a');
    this.lines = super.size;
  }

  private append(line: JournalLine<V>): void {
    // During construction Map calls set() before the file is open; those entries come from it.
    if (this.fd === undefined) return;
    writeSync(this.fd, `${JSON.stringify(line)}\n`);
    this.lines += 1;
  }

  /** After a change is in memory and in the file: compaction writes what memory holds. */
  private compactWhenGrown(): void {
    if (this.fd !== undefined && this.lines > 2 * super.size + this.slackLines) this.compact();
  }
}
