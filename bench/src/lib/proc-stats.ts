import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let clockTicks: number | undefined;

/** Clock ticks per second for /proc times (`getconf CLK_TCK`, 100 when unknown). */
export function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      clockTicks = Number.isFinite(value) && value > 0 ? value : 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User and system CPU time a process has used so far (all its threads), from /proc/<pid>/stat. */
export function readProcessCpu(pid: number): { userMs: number; systemMs: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: fields start after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime is field 14, stime field 15.
  const ticks = clockTicksPerSecond();
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return { userMs: (utime * 1000) / ticks, systemMs: (stime * 1000) / ticks };
}

/** Resident set size in bytes (VmRSS of /proc/<pid>/status). */
export function readRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/**
 * Scheduler statistics of a process's main thread (/proc/<pid>/schedstat): time on a CPU and time
 * spent runnable but waiting for one (a sign that something else competed for its core).
 */
export function readSchedStat(pid: number): { runMs: number; waitMs: number } | undefined {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ');
    return { runMs: Number(run) / 1e6, waitMs: Number(wait) / 1e6 };
  } catch {
    return undefined;
  }
}

export interface CpuUsage {
  cpuMs: number;
  userMs: number;
  systemMs: number;
  /** Wall time between start and stop. */
  wallMs: number;
  /** Time the main thread was runnable but not running (NaN when unknown): CPU contention. */
  runQueueWaitMs: number;
}

/** CPU a process used between start() and stop() (10 ms resolution with 100 ticks/s). */
export class CpuMeter {
  private startCpu: { userMs: number; systemMs: number } | undefined;
  private startSched: { runMs: number; waitMs: number } | undefined;
  private startWall = 0;

  constructor(readonly pid: number) {}

  start(): void {
    this.startCpu = readProcessCpu(this.pid);
    this.startSched = readSchedStat(this.pid);
    this.startWall = performance.now();
  }

  stop(): CpuUsage {
    if (!this.startCpu) throw new Error('CpuMeter.stop() before start()');
    const end = readProcessCpu(this.pid);
    const userMs = end.userMs - this.startCpu.userMs;
    const systemMs = end.systemMs - this.startCpu.systemMs;
    const sched = readSchedStat(this.pid);
    const runQueueWaitMs = sched && this.startSched ? sched.waitMs - this.startSched.waitMs : NaN;
    return { cpuMs: userMs + systemMs, userMs, systemMs, wallMs: performance.now() - this.startWall, runQueueWaitMs };
  }
}
