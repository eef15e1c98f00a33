/**
 * Issue 8 part 3: push vs polling. N customers watch their own orders for a minute while the
 * orders change a few times a minute: (a) push, MQTT over WebSocket subscribers; (b) polling,
 * `GET /orders/:id` with the customer's tracking token every 5 s. Server CPU seconds (/proc) and
 * bytes the clients received (socket.bytesRead on the client side) are compared.
 *
 *   npm run bench:polling -w bench             full: 1,000 and 5,000 customers, 60 s per mode (~4 min)
 *   BENCH_QUICK=1 npm run bench:polling -w bench   1,000 customers, 15 s per mode (~1 min)
 * Env: BENCH_CUSTOMERS=1000,5000  BENCH_RUN_S=60  BENCH_POLL_S=5  BENCH_CHANGES_PER_MIN=3
 */
import path from 'node:path';
import { GeneratorPool } from '../lib/index.js';
import { generatorWindow } from './generator-window.js';
import { HttpJsonClient } from './http-client.js';
import { runMode, type ModeResult } from './polling-mode.js';
import { printPollingTables, pollingTables, writePollingReport } from './polling-report.js';
import { GENERATORS, POLL_MS, RUN_MS, SIZES } from './polling-settings.js';
import { QUICK } from './settings.js';
import { startSystemUnderTest } from './system-under-test.js';

async function main(): Promise<void> {
  const started = Date.now();
  process.stdout.write(
    `orderpulse push vs polling bench (${QUICK ? 'quick' : 'full'}): ${SIZES.join(', ')} customers, ${RUN_MS / 1000} s per mode, polling every ${POLL_MS / 1000} s\n`,
  );
  const sut = await startSystemUnderTest({ prefix: 'bench-poll' });
  const http = new HttpJsonClient(sut.system.urls.orders, sut.adminToken, 64);
  let pool: GeneratorPool | undefined;
  try {
    pool = await GeneratorPool.start({ script: path.join(__dirname, 'customers-child.js'), count: GENERATORS });
    const windowOf = generatorWindow(sut, pool);
    const results: ModeResult[] = [];
    for (const customers of SIZES) {
      for (const mode of ['push', 'polling'] as const) {
        results.push(await runMode(sut, pool, http, windowOf, mode, customers));
        sut.assertAlive();
      }
    }
    const tables = pollingTables(results);
    printPollingTables(tables);
    writePollingReport(tables, results, { sut, started });
  } finally {
    await pool?.close().catch(() => undefined);
    http.close();
    await sut.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:polling failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
