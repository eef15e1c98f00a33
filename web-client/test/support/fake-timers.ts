import type { Timers } from '../../src/apps/shared/timers.js';

/** Timers that only move when the test says so. */
export class FakeTimers implements Timers {
  private now = 0;
  private nextId = 1;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { at: this.now + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Milliseconds since the start, as far as these timers have run. */
  get time(): number {
    return this.now;
  }

  get scheduled(): number {
    return this.pending.size;
  }

  /** Runs, in time order, every callback due within `ms` (including ones they schedule). */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.now = due[1].at;
      due[1].callback();
    }
    this.now = until;
  }
}

/** Lets promise callbacks run. */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
