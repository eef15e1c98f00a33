import { closeSync, existsSync, fsync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

type JournalLine<V> = readonly [id: string, document: V | null];

/** A journal is rewritten once it holds this many lines more than live documents, and twice as many. */
const COMPACT_SLACK_LINES = 1_000;

/** Characters of lines gathered before each write while compacting. */
const COMPACT_CHUNK_CHARS = 1 << 20;

/**
 * From this many live documents a running map compacts a slice per event-loop turn instead of
 * all at once: rewriting 7,400 orders held orders-service's loop for 33–50 ms, 20,000 for ~90 ms,
 * and every request that arrived meanwhile waited (a 1,000 updates/s tail). Below it a rewrite
 * takes a few milliseconds and is done in place.
 */
const INCREMENTAL_FROM_DOCUMENTS = 1_000;

/** The longest a setSoon line waits for another write to go with. */
const SOON_MS = 100;

/** Characters serialised per turn while compacting incrementally (~1–2 ms of JSON.stringify). */
const SLICE_CHARS = 256 * 1024;

/** A rewrite in progress: the snapshot it writes, and the lines appended since it was taken. */
interface Compaction {
  readonly temporary: string;
  readonly fd: number;
  /** Lines written to the journal after the snapshot; they follow it in the new file. */
  readonly since: string[];
  aborted: boolean;
  done: Promise<void>;
}

let compactions = 0;

/** writeSync may write less than it was given; the rest follows. */
function writeFully(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

/**
 * Writes one line per entry from `entries[start]` on, about `maxChars` of them in one write (not
 * one write per document), and returns the index of the first entry not written.
 */
function writeLines<V>(fd: number, entries: ReadonlyArray<[string, V]>, start: number, maxChars: number): number {
  let text = '';
  let next = start;
  while (next < entries.length && text.length < maxChars) {
    text += `${JSON.stringify(entries[next]! satisfies JournalLine<V>)}\n`;
    next += 1;
  }
  if (text) writeFully(fd, text);
  return next;
}

/**
 * A Map whose every `set` and `delete` is appended to a file before it returns, and which is
 * rebuilt from that file when opened: the zero-setup store keeps its data across restarts
 * (and SIGKILL, since each write reaches the kernel synchronously) without a database.
 * The file stays small: once it holds more than twice as many lines as there are live
 * documents (and 1,000 more), it is rewritten with one line per document, atomically (write,
 * fsync, rename), so a crash mid-way leaves the old journal whole. One process per file.
 * Values must be replaced with `set`, never mutated in place. A large map is rewritten a slice per
 * turn (see INCREMENTAL_FROM_DOCUMENTS) while writes go on to the old journal as before.
 */
export class JournaledMap<V> extends Map<string, V> {
  private fd: number | undefined;
  /** Lines in the file now. */
  private lines = 0;
  private compaction: Compaction | undefined;
  /** After a failed rewrite, the next is tried once the journal has this many lines (not on every write). */
  private retryAtLines = 0;
  /** Lines of setSoon not written yet. */
  private soon: string[] = [];
  private soonTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly file: string,
    private readonly slackLines: number,
    private readonly incrementalFrom: number,
    private readonly onCompactionFailed: (err: Error) => void,
  ) {
    super();
  }

  /**
   * `incrementalFrom`: live documents from which compaction runs a slice per turn (tests lower it).
   * `onCompactionFailed`: an incremental rewrite that failed (e.g. the disk is full); the old journal
   * stays in use and whole, and the next write that finds it grown tries again.
   */
  static open<V>(file: string, options: { slackLines?: number; incrementalFrom?: number; onCompactionFailed?: (err: Error) => void } = {}): JournaledMap<V> {
    const map = new JournaledMap<V>(
      file,
      options.slackLines ?? COMPACT_SLACK_LINES,
      options.incrementalFrom ?? INCREMENTAL_FROM_DOCUMENTS,
      options.onCompactionFailed ??
        ((err) =>
          process.emitWarning(
            `journal ${file}: compaction failed (${err.message}); it stays whole and is retried as it grows: check free space in ${dirname(file)}`,
          )),
    );
    mkdirSync(dirname(file), { recursive: true });
    removeLeftoverRewrites(file);
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
    this.appendAll([[id, value]]);
    super.set(id, value);
    this.compactWhenGrown();
    return this;
  }

  /**
   * `set`, whose line may wait up to SOON_MS for the next write to go with it (one system call
   * for both). Only for changes a crash may lose because they are made again after a restart:
   * dropping an outbox event once RabbitMQ confirmed it (lost, the event is published again).
   */
  setSoon(id: string, value: V): this {
    super.set(id, value);
    if (this.fd === undefined) return this;
    this.soon.push(`${JSON.stringify([id, value] satisfies JournalLine<V>)}\n`);
    this.soonTimer ??= setTimeout(() => this.writeSoonLines(), SOON_MS).unref();
    return this;
  }

  /** Sets each entry in order, with one write of all their lines (a batch that need not cost a system call per entry). */
  setMany(entries: ReadonlyArray<readonly [string, V]>): this {
    if (entries.length === 0) return this;
    this.appendAll(entries);
    for (const [id, value] of entries) super.set(id, value);
    this.compactWhenGrown();
    return this;
  }

  override delete(id: string): boolean {
    if (!super.has(id)) return false;
    this.appendAll([[id, null]]);
    super.delete(id);
    this.compactWhenGrown();
    return true;
  }

  override clear(): void {
    for (const id of [...this.keys()]) this.delete(id);
  }

  /** Resolves when the incremental rewrite in progress, if any, has finished (or failed). */
  whenCompacted(): Promise<void> {
    return this.compaction?.done ?? Promise.resolve();
  }

  close(): void {
    if (this.fd !== undefined) this.writeSoonLines();
    if (this.compaction) this.compaction.aborted = true;
    this.compaction = undefined;
    if (this.fd === undefined) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
  }

  /** Rewrites the file with one line per live document, atomically (write, fsync, rename), and appends to it from then on. */
  private compact(): void {
    const temporary = `${this.file}.compacting`;
    const fd = openSync(temporary, 'w');
    const entries = [...super.entries()];
    try {
      for (let next = 0; next < entries.length;) next = writeLines(fd, entries, next, COMPACT_CHUNK_CHARS);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.swapIn(temporary, entries.length);
  }

  /** The rewritten file (`lines` long) replaces the journal, and writes are appended to it from now on. */
  private swapIn(temporary: string, lines: number): void {
    renameSync(temporary, this.file);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = openSync(this.file, 'a');
    this.lines = lines;
  }

  private appendAll(lines: ReadonlyArray<JournalLine<V>>): void {
    // During construction Map calls set() before the file is open; those entries come from it.
    if (this.fd === undefined) return;
    this.writeTexts(lines.map((line) => `${JSON.stringify(line)}\n`));
  }

  private writeSoonLines(): void {
    if (this.soon.length > 0 && this.fd !== undefined) this.writeTexts([]);
  }

  /** Writes the lines of setSoon that wait, then `texts`, in one write; the file keeps the order of the changes. */
  private writeTexts(texts: string[]): void {
    const all = this.soon.length > 0 ? this.soon.splice(0).concat(texts) : texts;
    clearTimeout(this.soonTimer);
    this.soonTimer = undefined;
    if (all.length === 1) writeSync(this.fd!, all[0]!);
    else writeFully(this.fd!, all.join(''));
    this.lines += all.length;
    this.compaction?.since.push(...all); // a line each: the rewrite counts its lines by them
  }

  /** After a change is in memory and in the file: compaction writes what memory holds. */
  private compactWhenGrown(): void {
    if (this.fd === undefined || this.compaction || this.lines <= 2 * super.size + this.slackLines || this.lines < this.retryAtLines) return;
    if (super.size < this.incrementalFrom) this.compact();
    else this.compaction = this.compactInSlices();
  }

  /**
   * The same rewrite as compact(), from a snapshot of the entries (values are never mutated, so
   * the snapshot holds what they were), a slice per turn. Writes made meanwhile go to the old
   * journal and are remembered; once the snapshot is on disk they are appended to the new file
   * and it replaces the old one, all in one synchronous step.
   */
  private compactInSlices(): Compaction {
    const entries = [...super.entries()];
    const temporary = `${this.file}.compacting.${process.pid}.${(compactions += 1)}`;
    const job: Compaction = { temporary, fd: openSync(temporary, 'w'), since: [], aborted: false, done: Promise.resolve() };
    const finish = (err?: Error) => {
      try {
        closeSync(job.fd);
        if (err || job.aborted) rmSync(temporary, { force: true });
      } catch {
        // Nothing more to undo: a leftover rewrite file is removed when the journal is next opened.
      }
      if (this.compaction === job) this.compaction = undefined;
      if (err && !job.aborted) {
        this.retryAtLines = this.lines + this.slackLines;
        this.onCompactionFailed(err);
      }
    };
    job.done = new Promise<void>((resolve) => {
      let next = 0;
      const slice = () => {
        try {
          if (job.aborted) return resolve(finish());
          next = writeLines(job.fd, entries, next, SLICE_CHARS);
          if (next < entries.length) return void setImmediate(slice);
          // The snapshot is written: make it durable off the loop, then swap.
          fsync(job.fd, (fsyncErr) => {
            try {
              if (fsyncErr) throw fsyncErr;
              if (!job.aborted) this.replaceJournal(job, entries.length);
              resolve(finish());
            } catch (err) {
              resolve(finish(err as Error));
            }
          });
        } catch (err) {
          resolve(finish(err as Error));
        }
      };
      setImmediate(slice);
    });
    return job;
  }

  /** Appends the writes made during the rewrite to the new file and puts it in the old one's place. */
  private replaceJournal(job: Compaction, snapshotLines: number): void {
    if (job.since.length > 0) writeFully(job.fd, job.since.join(''));
    this.swapIn(job.temporary, snapshotLines + job.since.length);
  }
}

/** Rewrites a crash cut short (`<file>.compacting…`) are left beside the journal; the journal itself is whole. */
function removeLeftoverRewrites(file: string): void {
  const prefix = `${basename(file)}.compacting`;
  const dir = dirname(file);
  for (const name of readdirSync(dir)) if (name.startsWith(prefix)) rmSync(join(dir, name), { force: true });
}
