import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * For debugging a failing run: with E2E_LOG_DIR set, every line every process of a system writes
 * goes to `<dir>/<namespace>.log`, prefixed with the process name (E2E_LOG_LEVEL raises the
 * level, e.g. `debug`). Synchronous appends keep the interleaving exactly as the lines arrived.
 */
export function logFileFromEnv(namespace: string): ((name: string, line: string) => void) | undefined {
  const dir = process.env.E2E_LOG_DIR;
  if (!dir) return undefined;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${namespace || 'main'}.log`);
  return (name, line) => appendFileSync(file, `${name} ${line}\n`);
}
