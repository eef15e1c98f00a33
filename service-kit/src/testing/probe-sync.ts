import { spawnSync } from 'node:child_process';

/**
 * True when something on 127.0.0.1:`port` accepts a connection (and, with `send`, answers it
 * with `expectPrefix`) within a second. Synchronous, so a test file can choose between describe
 * and describe.skip while it is being collected.
 */
export function answersSync(port: number, send?: string, expectPrefix?: string): boolean {
  const script = `const s = require('node:net').connect(${port}, '127.0.0.1');
    s.setTimeout(1000, () => process.exit(2));
    s.on('error', () => process.exit(3));
    s.on('connect', () => { const send = ${JSON.stringify(send ?? null)}; if (send === null) process.exit(0); s.write(send); });
    s.on('data', (d) => process.exit(String(d).startsWith(${JSON.stringify(expectPrefix ?? '')}) ? 0 : 4));`;
  return spawnSync(process.execPath, ['-e', script], { timeout: 5_000 }).status === 0;
}
