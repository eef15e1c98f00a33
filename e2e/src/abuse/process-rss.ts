import { readFileSync } from 'node:fs';

const MIB = 1024 * 1024;

/** The resident set size of process `pid` in bytes, from /proc/<pid>/status (VmRSS). */
export function readRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no VmRSS line (has the process exited?)`);
  return Number(match[1]) * 1024;
}

export interface RssFigures {
  startMiB: number;
  peakMiB: number;
  endMiB: number;
  samples: number;
}

/**
 * Samples a process's RSS every `intervalMs` from start to stop and keeps the peak. Sampling is
 * measurement, not synchronisation: nothing waits on it.
 */
export class RssSampler {
  private peak: number;
  private samples = 1;
  private last: number;
  private readonly start: number;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly pid: number,
    intervalMs: number,
  ) {
    this.start = readRssBytes(pid);
    this.peak = this.start;
    this.last = this.start;
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  static start(pid: number, intervalMs = 10): RssSampler {
    return new RssSampler(pid, intervalMs);
  }

  /** The process may have exited: then the sample is skipped and the figures end with the last one read. */
  private sample(): number {
    let rss: number;
    try {
      rss = readRssBytes(this.pid);
    } catch {
      return this.last;
    }
    this.samples += 1;
    this.last = rss;
    if (rss > this.peak) this.peak = rss;
    return rss;
  }

  stop(): RssFigures {
    clearInterval(this.timer);
    const end = this.sample();
    const mib = (bytes: number) => Math.round((bytes / MIB) * 10) / 10;
    return { startMiB: mib(this.start), peakMiB: mib(this.peak), endMiB: mib(end), samples: this.samples };
  }
}
