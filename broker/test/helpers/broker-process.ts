import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const BROKER_MAIN = join(__dirname, '../../dist/main.js');

export interface BrokerProcess {
  child: ChildProcess;
  /** Parsed JSON log lines written so far. */
  lines: Array<Record<string, unknown>>;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/**
 * Runs the built broker (`node dist/main.js`) with exactly `env` (plus PATH), so nothing of the
 * test runner's environment leaks in.
 */
export function startBrokerProcess(env: Record<string, string>): BrokerProcess {
  if (!existsSync(BROKER_MAIN)) throw new Error(`${BROKER_MAIN} is missing: run \`npx tsc -b broker\` first`);
  const child = spawn(process.execPath, [BROKER_MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Array<Record<string, unknown>> = [];
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited };
}
