import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { registerCleanup } from '../lib/index.js';

/**
 * Exit-time cleanup that also works on Ctrl-C and on a crash: the lib's registerCleanup runs
 * synchronous functions on exit, SIGINT/SIGTERM/SIGHUP and uncaught errors, so everything here
 * is synchronous (kill with SIGKILL, rmSync, and the AMQP namespace is deleted by a short child
 * process run with spawnSync). The normal path cleans up gracefully and unregisters these.
 */

/** Kills `pid` with SIGKILL when the bench exits; returns the unregister function. */
export function killPidOnExit(pid: number | undefined): () => void {
  if (!pid) return () => undefined;
  return registerCleanup(() => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  });
}

export function removeDirOnExit(dir: string): () => void {
  return registerCleanup(() => rmSync(dir, { recursive: true, force: true }));
}

/** Deletes the AMQP namespace (queues + exchanges) when the bench exits early. */
export function deleteNamespaceOnExit(amqpUrl: string, namespace: string, queues: string[]): () => void {
  const script = path.join(__dirname, 'delete-namespace-cli.js');
  return registerCleanup(() => {
    const result = spawnSync(process.execPath, [script, amqpUrl, namespace, ...queues], { stdio: 'inherit', timeout: 15_000 });
    if (result.status === 0) process.stderr.write(`bench: deleted AMQP namespace ${namespace}\n`);
    else process.stderr.write(`bench: could not delete AMQP namespace ${namespace}; delete its queues and exchanges by hand\n`);
  });
}

/** Direct child processes of `parent` (from /proc). */
export function childPids(parent = process.pid): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

/**
 * SIGKILLs every direct child of this process on an early exit: the services the harness is still
 * starting (not yet handed back to us) and the generator children. Register it before the other
 * cleanups so the services are gone before their namespace is deleted.
 */
export function killChildProcessesOnExit(): () => void {
  return registerCleanup(() => {
    for (const pid of childPids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}
