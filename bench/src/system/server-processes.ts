import { readdirSync, readFileSync } from 'node:fs';
import { readProcessCpu, readRssBytes } from '../lib/index.js';

/**
 * Bytes a process has read and written through system calls so far, and how many write calls
 * (write, writev: every socket write of Node and RabbitMQ) it made (/proc/<pid>/io rchar/wchar/syscw).
 */
export function readProcessIo(pid: number): { rchar: number; wchar: number; syscw: number } {
  const text = readFileSync(`/proc/${pid}/io`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  return { rchar: field('rchar'), wchar: field('wchar'), syscw: field('syscw') };
}

/**
 * Context switches of all a process's threads so far (/proc/<pid>/task/<tid>/status): voluntary
 * ones are the times a thread blocked and was later woken (a Node service's main thread: once per
 * wait in epoll), involuntary ones the times the scheduler took the CPU from a running thread.
 */
export function readContextSwitches(pid: number): { voluntary: number; involuntary: number } {
  let voluntary = 0;
  let involuntary = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      voluntary += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(text)?.[1] ?? 0);
      involuntary += Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(text)?.[1] ?? 0);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return { voluntary, involuntary };
}

/** The RabbitMQ server's Erlang VM (beam.smp), if one runs on this machine; shared with everything else using it. */
export function findRabbitMqPid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'beam.smp') continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('rabbit')) return Number(entry);
    } catch {
      // process went away
    }
  }
  return undefined;
}

export interface ProcessSample {
  cpuMs: number;
  rssBytes: number;
  rchar: number;
  wchar: number;
  syscw: number;
  voluntarySwitches: number;
  involuntarySwitches: number;
}

function sample(pid: number): ProcessSample | undefined {
  try {
    const cpu = readProcessCpu(pid);
    let io = { rchar: NaN, wchar: NaN, syscw: NaN };
    try {
      io = readProcessIo(pid);
    } catch {
      // /proc/<pid>/io may be unreadable
    }
    let switches = { voluntary: NaN, involuntary: NaN };
    try {
      switches = readContextSwitches(pid);
    } catch {
      // the process went away
    }
    return {
      cpuMs: cpu.userMs + cpu.systemMs,
      rssBytes: readRssBytes(pid),
      ...io,
      voluntarySwitches: switches.voluntary,
      involuntarySwitches: switches.involuntary,
    };
  } catch {
    return undefined;
  }
}

export interface ProcessUsage {
  cpuSeconds: number;
  /** RSS at the end of the window. */
  rssMiB: number;
  /** Bytes written by system calls in the window (sockets, pipes and files). */
  wcharBytes: number;
  /** Write system calls in the window (NaN where /proc/<pid>/io is unreadable). */
  writeCalls: number;
  /** Times its threads blocked and were woken again in the window. */
  wakeups: number;
  /** Times the scheduler took the CPU from one of its running threads in the window. */
  preemptions: number;
}

/** CPU (and written bytes) of named processes over a window, from /proc. */
export class ProcessWindow {
  private start = new Map<string, ProcessSample>();
  private startWall = 0;

  constructor(private readonly pids: () => Record<string, number | undefined>) {}

  begin(): void {
    this.start.clear();
    for (const [name, pid] of Object.entries(this.pids())) {
      const s = pid ? sample(pid) : undefined;
      if (s) this.start.set(name, s);
    }
    this.startWall = performance.now();
  }

  end(): { wallSeconds: number; usage: Record<string, ProcessUsage> } {
    const usage: Record<string, ProcessUsage> = {};
    for (const [name, pid] of Object.entries(this.pids())) {
      const before = this.start.get(name);
      const after = pid ? sample(pid) : undefined;
      if (!before || !after) continue;
      usage[name] = {
        cpuSeconds: (after.cpuMs - before.cpuMs) / 1000,
        rssMiB: after.rssBytes / 2 ** 20,
        wcharBytes: after.wchar - before.wchar,
        writeCalls: after.syscw - before.syscw,
        wakeups: after.voluntarySwitches - before.voluntarySwitches,
        preemptions: after.involuntarySwitches - before.involuntarySwitches,
      };
    }
    return { wallSeconds: (performance.now() - this.startWall) / 1000, usage };
  }
}
