import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface ServiceProcessOptions {
  name: string;
  /** The compiled entry point run with this Node; or, with `command`, nothing. */
  entry: string;
  /** Node options before the entry point (paths.ts NODE_ARGS). */
  nodeArgs?: readonly string[];
  /** Another program instead (e.g. `caddy`), run with `args`. */
  command?: { file: string; args: string[] };
  env: Record<string, string>;
  /** Polled until it answers 200; the process counts as started then. */
  readyUrl: string;
  startTimeoutMs?: number;
  /** Receives every line the process writes, stdout and stderr. */
  onLine?: (name: string, line: string) => void;
}

export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** The last lines the process wrote, newest last. */
  readonly lines: string[];
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

const KEEP_LINES = 2_000;

async function isReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Starts `node [nodeArgs] <entry>` (or `command`) and resolves once `readyUrl` answers 200; fails early if the process dies. */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const { name, entry, env, readyUrl, command } = options;
  if (!command && !existsSync(entry)) throw new Error(`${name}: ${entry} does not exist; run \`npm run build\` first`);
  const child = spawn(command?.file ?? process.execPath, command?.args ?? [...(options.nodeArgs ?? []), entry], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on('line', (line) => {
      lines.push(line);
      if (lines.length > KEEP_LINES) lines.shift();
      options.onLine?.(name, line);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
  while (!(await isReady(readyUrl))) {
    if (hasExited) throw new Error(`${name} exited during start-up:\n${lines.slice(-15).join('\n')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} was not ready at ${readyUrl} in time:\n${lines.slice(-15).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    name,
    child,
    lines,
    exited,
    async stop(signal = 'SIGTERM', timeoutMs = 10_000) {
      if (hasExited) return exited;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
