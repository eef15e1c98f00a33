/**
 * Issue 8 part 2: end to end. The real system (broker, orders, delivery, notifier, web as child
 * processes), thousands of customers subscribed over MQTT over WebSocket in generator children,
 * admin consoles on admin/orders, and `PATCH /orders/:id/status` open-loop at rising rates.
 * Latency runs from the scheduled send time of the PATCH to the watching customer's receipt of
 * that order's new version.
 *
 *   npm run bench:e2e -w bench            full run (~4 min)
 *   BENCH_QUICK=1 npm run bench:e2e -w bench   ~1 min
 * Env: BENCH_RATES=100,500  BENCH_STEP_S=12  BENCH_IDLE=5000  BENCH_ADMIN_CONSOLES=3  BENCH_ADMIN_QOS=0  BENCH_TAP=0 (no AMQP tap)
 *      BENCH_STORE=journal|mongo (results e2e.* or e2e-mongo.*; see bench-store.ts).
 */
import path from 'node:path';
import { GeneratorPool, MAX_SOCKETS_PER_PROCESS } from '../lib/index.js';
import { AmqpTap } from './amqp-tap.js';
import { benchStoreKind, openBenchStore } from './bench-store.js';
import { ADMIN_CONSOLES, IDLE, RATES, stepMs } from './e2e-settings.js';
import { e2eTables, printE2eTables, writeE2eReport } from './e2e-report.js';
import { connectStandingWatchers, runSteps } from './e2e-steps.js';
import { generatorWindow } from './generator-window.js';
import { HttpJsonClient } from './http-client.js';
import { AMQP_URL, QUICK } from './settings.js';
import { ordersNeeded } from './status-driver.js';
import { startSystemUnderTest } from './system-under-test.js';

async function main(): Promise<void> {
  const started = Date.now();
  process.stdout.write(
    `orderpulse end-to-end bench (${QUICK ? 'quick' : 'full'}): rates ${RATES.join(', ')} updates/s, ${RATES.map((r) => stepMs(r) / 1000).join(', ')} s, ${IDLE} idle customers, ${ADMIN_CONSOLES} admin consoles\n`,
  );
  const maxActive = Math.max(...RATES.map((r) => ordersNeeded(r, stepMs(r))));
  const children = Math.max(2, Math.ceil((IDLE + maxActive + ADMIN_CONSOLES) / (MAX_SOCKETS_PER_PROCESS - 1_000)));
  const storeKind = benchStoreKind();
  const resultName = storeKind === 'mongo' ? 'e2e-mongo' : 'e2e';
  const store = await openBenchStore(storeKind, `bench-e2e-${Date.now().toString(36)}`);
  process.stdout.write(`store: ${store.label}\n`);
  const sut = await startSystemUnderTest({ prefix: 'bench-e2e', store });
  store.prepare?.();
  let pool: GeneratorPool | undefined;
  let tap: AmqpTap | undefined;
  const http = new HttpJsonClient(sut.system.urls.orders, sut.adminToken, 128);
  try {
    if (process.env.BENCH_TAP !== '0') tap = await AmqpTap.open(AMQP_URL, sut.namespace);
    pool = await GeneratorPool.start({ script: path.join(__dirname, 'customers-child.js'), count: children });
    const windowOf = generatorWindow(sut, pool);
    const idleConnected = await connectStandingWatchers(sut, pool, http, children);
    store.prepare?.();
    if (store.prepare) process.stdout.write(`store: ${store.label}\n`);
    const steps = await runSteps(sut, pool, http, idleConnected, windowOf);
    const tables = e2eTables(steps, tap, store);
    printE2eTables(tables);
    writeE2eReport(tables, { sut, store, storeKind, resultName, started, children });
  } finally {
    await pool?.close().catch(() => undefined);
    await tap?.close();
    http.close();
    await sut.close();
    await store.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:e2e failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
