/**
 * Issue 8 part 3: push vs polling. N customers watch their own orders for a minute while the
 * orders change (6 times an hour by default, BENCH_CHANGES_PER_MIN): (a) push, MQTT over WebSocket subscribers; (b) polling,
 * `GET /orders/:id` with the customer's tracking token every 5 s. Server CPU seconds (/proc) and
 * bytes the clients received (socket.bytesRead on the client side) are compared.
 *
 *   npm run bench:polling -w bench             full: 1,000, 5,000 and 15,000 customers, 60 s per mode + 60 s idle (~15 min)
 *   BENCH_QUICK=1 npm run bench:polling -w bench   1,000 customers, 15 s per mode (~1 min)
 * Env: BENCH_CUSTOMERS=1000,5000  BENCH_RUN_S=60  BENCH_POLL_S=5  BENCH_CHANGES_PER_MIN=0.1  BENCH_IDLE_S=60 (idle windows)
 */
import path from 'node:path';
import { GeneratorPool } from '../lib/index.js';
import { generatorWindow } from './generator-window.js';
import { HttpJsonClient } from './http-client.js';
import { idleLine, measureIdle, runMode, type ModeResult } from './polling-mode.js';
import { printPollingTables, pollingTables, writePollingReport } from './polling-report.js';
import { GENERATORS, IDLE_MS, POLL_MS, RUN_MS, SETTLE_MS, SIZES } from './polling-settings.js';
import { QUICK, sleep } from './settings.js';
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
    // The system alone: every process up, nobody connected, nothing changing.
    await sleep(SETTLE_MS);
    const alone = await measureIdle(windowOf);
    process.stdout.write(`\nnothing connected, nothing changing, ${IDLE_MS / 1000} s: ${idleLine(alone)}\n`);
    const results: ModeResult[] = [];
    for (const customers of SIZES) {
      for (const mode of ['push', 'polling'] as const) {
        results.push(await runMode(sut, pool, http, windowOf, mode, customers));
        sut.assertAlive();
      }
    }
    const tables = pollingTables(results, alone);
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
