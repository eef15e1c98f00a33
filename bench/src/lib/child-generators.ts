import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Load generators in child processes: one process may hold < 20,000 open files here, and a
 * generator should not share an event loop with what it measures. The parent forks N children
 * of a compiled JS file (bench/dist/...) and talks to them by request/reply over IPC; every reply
 * is plain JSON (send LatencyRecorder.toJSON(), not the recorder).
 *
 * Parent:  const pool = await GeneratorPool.start({ script, count, cpus: '1' });
 *          const results = await pool.call<Res>('run', (i) => ({ ... }));
 *          await pool.close();
 * Child:   serveGenerator({ run: async (payload) => ({ ... }) });
 */

export interface GeneratorPoolOptions {
  /** Absolute path of the compiled JS file the children run (it calls serveGenerator). */
  script: string;
  count: number;
  /** CPU list for `taskset -c` (e.g. '1'); ignored when taskset is missing. */
  cpus?: string;
  env?: NodeJS.ProcessEnv;
  execArgv?: string[];
  args?: string[];
}

interface Request {
  kind: 'request';
  id: number;
  type: string;
  payload: unknown;
}

interface Reply {
  kind: 'reply';
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

// ---- process cleanup (parent side) ----------------------------------------------------------

const cleanups = new Set<() => void>();
let exitHooksInstalled = false;

function runCleanups(): void {
  for (const fn of [...cleanups]) {
    cleanups.delete(fn);
    try {
      fn();
    } catch {
      // best effort
    }
  }
}

/**
 * Runs `fn` (synchronously) when this process exits, including on SIGINT/SIGTERM/SIGHUP and
 * uncaught errors; returns a function that unregisters it. Use it to kill child processes.
 */
export function registerCleanup(fn: () => void): () => void {
  if (!exitHooksInstalled) {
    exitHooksInstalled = true;
    process.on('exit', runCleanups);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => {
        runCleanups();
        process.exit(signal === 'SIGINT' ? 130 : 143);
      });
    }
  }
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Kills a child process (SIGKILL) when this process exits; returns the unregister function. */
export function killOnExit(child: ChildProcess): () => void {
  const unregister = registerCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  child.once('exit', unregister);
  return unregister;
}

let tasksetAvailable: boolean | undefined;

/** Whether `taskset` exists and the machine has more than one CPU. */
export function canPin(): boolean {
  if (tasksetAvailable === undefined) {
    const probe = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    tasksetAvailable = probe.status === 0 && availableParallelism() > 1;
  }
  return tasksetAvailable;
}

/** Command and arguments that run `command` pinned to `cpus` when possible. */
export function pinnedCommand(cpus: string | undefined, command: string, args: string[]): { command: string; args: string[] } {
  if (cpus !== undefined && canPin()) return { command: 'taskset', args: ['-c', cpus, command, ...args] };
  return { command, args };
}

/** Pins a running process (all its threads) to `cpus`; false when that failed. */
export function pinProcess(pid: number, cpus: string): boolean {
  if (!canPin()) return false;
  return spawnSync('taskset', ['-a', '-cp', cpus, String(pid)], { stdio: 'ignore' }).status === 0;
}

/** The CPU list a process may run on (taskset -cp), or undefined. */
export function processAffinity(pid: number): string | undefined {
  const result = spawnSync('taskset', ['-cp', String(pid)], { encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  return /:\s*(\S+)\s*$/.exec(result.stdout.trim())?.[1];
}

// ---- parent side -----------------------------------------------------------------------------

class Generator {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout | undefined }>();
  exited = false;
  readonly exitedPromise: Promise<void>;

  constructor(
    readonly index: number,
    readonly child: ChildProcess,
  ) {
    child.on('message', (message: Reply) => {
      if (message?.kind !== 'reply') return;
      const entry = this.pending.get(message.id);
      if (!entry) return;
      this.pending.delete(message.id);
      if (entry.timer) clearTimeout(entry.timer);
      if (message.ok) entry.resolve(message.result);
      else entry.reject(new Error(`generator ${index}: ${message.error ?? 'failed'}`));
    });
    this.exitedPromise = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exited = true;
        for (const [id, entry] of this.pending) {
          this.pending.delete(id);
          if (entry.timer) clearTimeout(entry.timer);
          entry.reject(new Error(`generator ${index} exited (${signal ?? code}) during a request`));
        }
        resolve();
      });
    });
  }

  call<T>(type: string, payload: unknown, timeoutMs: number | undefined): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`generator ${this.index} has exited`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.pending.delete(id);
              reject(new Error(`generator ${this.index}: '${type}' timed out after ${timeoutMs} ms`));
            }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      const request: Request = { kind: 'request', id, type, payload };
      this.child.send(request, (err) => {
        if (!err) return;
        const entry = this.pending.get(id);
        if (!entry) return;
        this.pending.delete(id);
        if (entry.timer) clearTimeout(entry.timer);
        reject(err);
      });
    });
  }
}

export class GeneratorPool {
  private constructor(private readonly generators: Generator[]) {}

  /** Forks `count` children and waits until each has set up its IPC handler. */
  static async start(options: GeneratorPoolOptions): Promise<GeneratorPool> {
    const generators: Generator[] = [];
    for (let i = 0; i < options.count; i++) {
      const nodeArgs = [...(options.execArgv ?? []), options.script, ...(options.args ?? [])];
      const { command, args } = pinnedCommand(options.cpus, process.execPath, nodeArgs);
      const child = spawn(command, args, {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, ...options.env, BENCH_GENERATOR_INDEX: String(i) },
      });
      killOnExit(child);
      generators.push(new Generator(i, child));
    }
    const pool = new GeneratorPool(generators);
    try {
      await pool.call('ping', () => null, 30_000);
    } catch (err) {
      pool.kill();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.generators.length;
  }

  pids(): number[] {
    return this.generators.map((g) => g.child.pid ?? -1);
  }

  /**
   * Sends request `type` to every child (payload per child index) and resolves with their replies in
   * index order; rejects as soon as one fails, times out or exits.
   */
  call<T>(type: string, payload: (index: number) => unknown, timeoutMs?: number): Promise<T[]> {
    return Promise.all(this.generators.map((g) => g.call<T>(type, payload(g.index), timeoutMs)));
  }

  /** Sends a request to one child. */
  callOne<T>(index: number, type: string, payload: unknown, timeoutMs?: number): Promise<T> {
    const generator = this.generators[index];
    if (!generator) return Promise.reject(new Error(`no generator ${index}`));
    return generator.call<T>(type, payload, timeoutMs);
  }

  /** Asks every child to exit, waits up to `graceMs`, then kills what is left. */
  async close(graceMs = 5_000): Promise<void> {
    for (const g of this.generators) {
      if (!g.exited && g.child.connected) g.child.disconnect();
    }
    const timer = setTimeout(() => this.kill(), graceMs);
    await Promise.all(this.generators.map((g) => g.exitedPromise));
    clearTimeout(timer);
  }

  kill(): void {
    for (const g of this.generators) if (!g.exited) g.child.kill('SIGKILL');
  }
}

// ---- child side ------------------------------------------------------------------------------

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each handler declares its own payload type; the parent sends matching JSON
export type GeneratorHandlers = Record<string, (payload: any) => unknown>;

/**
 * Serves the parent's requests in a generator child: each request type maps to a handler whose
 * (awaited) result is sent back. The child exits when the parent disconnects or goes away.
 */
export function serveGenerator(handlers: GeneratorHandlers, onExit?: () => void | Promise<void>): void {
  if (!process.send) throw new Error('serveGenerator: not started with an IPC channel');
  const reply = (message: Reply) => {
    if (process.connected) process.send?.(message);
  };
  process.on('message', (message: Request) => {
    if (message?.kind !== 'request') return;
    if (message.type === 'ping') {
      reply({ kind: 'reply', id: message.id, ok: true, result: process.pid });
      return;
    }
    const handler = handlers[message.type];
    if (!handler) {
      reply({ kind: 'reply', id: message.id, ok: false, error: `unknown request '${message.type}'` });
      return;
    }
    Promise.resolve()
      .then(() => handler(message.payload))
      .then(
        (result) => reply({ kind: 'reply', id: message.id, ok: true, result: result ?? null }),
        (err: unknown) => reply({ kind: 'reply', id: message.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
      );
  });
  process.once('disconnect', () => {
    const done = () => process.exit(0);
    Promise.resolve()
      .then(() => onExit?.())
      .then(done, done);
    setTimeout(done, 3_000).unref();
  });
}
