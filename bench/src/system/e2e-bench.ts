/**
 * Issue 8 part 2: end to end. The real system (broker, orders, delivery, notifier, web as child
 * processes), thousands of customers subscribed over MQTT over WebSocket in generator children,
 * admin consoles on admin/orders, and `PATCH /orders/:id/status` open-loop at rising rates.
 * Latency runs from the scheduled send time of the PATCH to the watching customer's receipt of
 * that order's new version.
 *
 *   npm run bench:e2e -w bench            full run (~4 min)
 *   BENCH_QUICK=1 npm run bench:e2e -w bench   ~1 min
 * Env: BENCH_RATES=100,500  BENCH_STEP_S=12  BENCH_IDLE=5000  BENCH_TAP=0 (no AMQP tap)
 *      BENCH_STORE=journal|mongo (results e2e.* or e2e-mongo.*; see bench-store.ts).
 */
import path from 'node:path';
import {
  GeneratorPool,
  LatencyRecorder,
  MAX_SOCKETS_PER_PROCESS,
  printTable,
  writeResults,
  type BenchRow,
} from '../lib/index.js';
import { AmqpTap } from './amqp-tap.js';
import type { MqttClientSpec } from './customers-child.js';
import { HttpJsonClient } from './http-client.js';
import { connectGroup, connectLog, customersWithOrders } from './customers.js';
import { collectUntilDelivered, type Receipts } from './receipts.js';
import { machineLine, writeMarkdown } from './report.js';
import { ProcessWindow, type ProcessUsage } from './server-processes.js';
import { AMQP_URL, envNumber, envNumbers, percentileOf, QUICK, round, sleep } from './settings.js';
import { driveStatusChanges, ordersNeeded, type PatchRecord } from './status-driver.js';
import { benchStoreKind, openBenchStore } from './bench-store.js';
import { startSystemUnderTest, type SystemUnderTest } from './system-under-test.js';

const RATES = envNumbers('BENCH_RATES', QUICK ? [100, 500, 1_000] : [100, 500, 1_000, 2_000, 2_500]);
const STEP_MS = envNumber('BENCH_STEP_S', QUICK ? 5 : 12) * 1000;
/**
 * Updates per step at most: a step at R/s lasts min(STEP_MS, MAX_UPDATES/R). Every update needs a
 * fresh order with a connected watcher (an order has 5 changes), and connecting is the slow part.
 */
const MAX_UPDATES = envNumber('BENCH_MAX_UPDATES', 25_000);
/** BENCH_ADAPTIVE=0: size every step's orders for its full rate, even after a step saturated. */
const ADAPTIVE = process.env.BENCH_ADAPTIVE !== '0';
const stepMs = (rate: number) => Math.min(STEP_MS, Math.floor((MAX_UPDATES / rate) * 1000));
const IDLE = envNumber('BENCH_IDLE', QUICK ? 1_000 : 5_000);
const ADMIN_CONSOLES = 3;
const DRAIN_MS = 15_000;
const CONNECT_CONCURRENCY = 100;
const SERVERS = ['broker', 'notifier', 'orders', 'delivery', 'web'] as const;

interface StepResult {
  rate: number;
  durationMs: number;
  active: number;
  patches: PatchRecord[];
  /** Scheduled PATCHes not sent: the backlog was over 2 s old (overload guard) or their order had walked its whole path. */
  skipped: number;
  receipts: Receipts;
  usage: Record<string, ProcessUsage>;
  wallSeconds: number;
  latency: LatencyRecorder;
  connected: number;
}

function targetFor(rate: number): string {
  if (rate === 1_000) return 'p50 ≤ 3 ms, p99 ≤ 15 ms, 0 lost';
  if (rate === 2_500) return 'p99 ≤ 50 ms, 0 lost';
  return '0 lost';
}

function met(rate: number, s: ReturnType<LatencyRecorder['summary']>, lost: number, skipped: number): string {
  let ok = lost === 0 && skipped === 0 && s.count > 0;
  if (rate === 1_000) ok &&= s.p50 <= 3 && s.p99 <= 15;
  if (rate === 2_500) ok &&= s.p99 <= 50;
  return ok ? 'yes' : 'NO';
}

async function runStep(
  sut: SystemUnderTest,
  pool: GeneratorPool,
  http: HttpJsonClient,
  rate: number,
  /** The rate the step's orders are sized for (below `rate` once an earlier step saturated). */
  sizingRate: number,
  idleConnected: number,
  addressBase: number,
  windowOf: ProcessWindow,
): Promise<StepResult> {
  const durationMs = stepMs(rate);
  const active = ordersNeeded(sizingRate, durationMs);
  process.stdout.write(
    `\n${rate} updates/s for ${durationMs / 1000} s: ${active} orders with a watching customer each${sizingRate < rate ? ` (enough for ${Math.round(sizingRate)}/s: an earlier step saturated)` : ''}\n`,
  );
  const group = `r${rate}`;
  const { orders, connected } = await customersWithOrders(sut.system.urls.mqttWs, pool, http, active, group, addressBase);
  await sleep(1_000); // retained v1 messages and the order.created admin feed settle
  await pool.call('reset', () => null);

  windowOf.begin();
  const patches = await driveStatusChanges({ client: http, orderIds: orders.map((o) => o.id), ratePerSecond: rate, durationMs });
  const receipts = await collectUntilDelivered(pool, patches, { adminConsoles: ADMIN_CONSOLES, deadlineMs: DRAIN_MS, exact: true });
  const { usage, wallSeconds } = windowOf.end();

  const latency = new LatencyRecorder();
  for (const p of patches) {
    if (p.code !== 200) continue;
    const at = receipts.customer.get(`${p.orderId}:${p.version}`);
    if (at !== undefined) latency.record(at - p.scheduledAt);
  }
  await pool.call('disconnect', () => ({ group }), 120_000);
  return { rate, durationMs, active, patches, skipped: patches.skipped + patches.exhausted, receipts, usage, wallSeconds, latency, connected: connected + idleConnected };
}

/** Successful PATCHes per second, from the first scheduled send to the last response. */
function achievedRate(step: StepResult): number {
  const ok = step.patches.filter((p) => p.code === 200).length;
  if (!step.patches.length) return 0;
  const first = Math.min(...step.patches.map((p) => p.scheduledAt));
  const last = Math.max(...step.patches.map((p) => p.respondedAt));
  return ok / ((last - first) / 1000);
}

function summarise(step: StepResult, tap: AmqpTap | undefined) {
  const ok = step.patches.filter((p) => p.code === 200 && p.version !== undefined);
  const failed = step.patches.length - ok.length;
  const codes: Record<string, number> = {};
  for (const p of step.patches) if (p.code !== 200) codes[String(p.code || p.error)] = (codes[String(p.code || p.error)] ?? 0) + 1;
  let lost = 0;
  let adminLost = 0;
  const hops = { lag: [] as number[], http: [] as number[], write: [] as number[], toTap: [] as number[], tapToCustomer: [] as number[], stampToCustomer: [] as number[], admin: [] as number[] };
  for (const p of ok) {
    const key = `${p.orderId}:${p.version}`;
    const received = step.receipts.customer.get(key);
    if (received === undefined) lost += 1;
    const admins = step.receipts.admin.get(key) ?? [];
    adminLost += Math.max(0, ADMIN_CONSOLES - admins.length);
    for (const at of admins) hops.admin.push(at - p.scheduledAt);
    hops.lag.push(p.issuedAt - p.scheduledAt);
    hops.http.push(p.respondedAt - p.issuedAt);
    if (p.updatedAt !== undefined) hops.write.push(p.updatedAt - p.issuedAt);
    const tapped = tap?.seen.get(key);
    if (tapped !== undefined && p.updatedAt !== undefined) hops.toTap.push(tapped - p.updatedAt);
    if (tapped !== undefined && received !== undefined) hops.tapToCustomer.push(received - tapped);
    if (received !== undefined && p.updatedAt !== undefined) hops.stampToCustomer.push(received - p.updatedAt);
  }
  return { ok, failed, codes, lost, adminLost, hops, achieved: achievedRate(step) };
}

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
  let pool: GeneratorPool | undefined;
  let tap: AmqpTap | undefined;
  const http = new HttpJsonClient(sut.system.urls.orders, sut.adminToken, 128);
  try {
    if (process.env.BENCH_TAP !== '0') tap = await AmqpTap.open(AMQP_URL, sut.namespace);
    pool = await GeneratorPool.start({ script: path.join(__dirname, 'customers-child.js'), count: children });
    const generatorPids = pool.pids();
    const windowOf = new ProcessWindow(() => {
      const pids: Record<string, number | undefined> = { ...sut.pids(), bench: process.pid };
      generatorPids.forEach((pid, i) => (pids[`generator${i}`] = pid));
      return pids;
    });

    process.stdout.write(`\nsetting up ${IDLE} idle customers and ${ADMIN_CONSOLES} admin consoles over ${children} generator processes\n`);
    let idleConnected = (await customersWithOrders(sut.system.urls.mqttWs, pool, http, IDLE, 'idle', 0)).connected;
    const admins: MqttClientSpec[] = Array.from({ length: ADMIN_CONSOLES }, (_, i) => ({
      role: 'admin',
      token: sut.adminToken,
      clientId: `bench-admin-${i}`,
      addressIndex: IDLE + i,
    }));
    // One console per generator process, round-robin (deal() in connectGroup).
    const consoles = await connectGroup(pool, 'admins', sut.system.urls.mqttWs, admins, CONNECT_CONCURRENCY);
    if (consoles.failed) throw new Error(`admin consoles could not connect: ${consoles.errors.join('; ')}`);
    idleConnected += consoles.connected;

    const steps: StepResult[] = [];
    let addressBase = IDLE + ADMIN_CONSOLES;
    /** Highest rate achieved by a step that could not keep up; later steps need no more orders than 1.5× that. */
    let ceiling: number | undefined;
    for (const rate of RATES) {
      sut.assertAlive();
      const sizingRate = ADAPTIVE && ceiling !== undefined ? Math.min(rate, 1.5 * ceiling) : rate;
      const step = await runStep(sut, pool, http, rate, sizingRate, idleConnected, addressBase, windowOf);
      if (step.skipped > 0) ceiling = Math.max(ceiling ?? 0, achievedRate(step));
      addressBase += step.active;
      steps.push(step);
      sut.assertAlive();
      const s = step.latency.summary();
      process.stdout.write(
        `  → p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, max ${s.max.toFixed(1)} ms, received ${s.count}/${step.patches.length}${step.skipped ? `; ${step.skipped} scheduled PATCHes not sent (over capacity)` : ''}\n`,
      );
    }

    // ---- report ------------------------------------------------------------------------------
    const rows: BenchRow[] = [];
    const hopRows: BenchRow[] = [];
    const cpuRows: BenchRow[] = [];
    const histograms: Record<string, LatencyRecorder> = {};
    for (const step of steps) {
      const s = step.latency.summary();
      const x = summarise(step, tap);
      const scenario = `${step.rate}/s`;
      histograms[`${scenario} (${step.connected} subscribers)`] = step.latency;
      rows.push({
        scenario,
        system: 'orderpulse',
        'updates/s': step.rate,
        'step s': step.durationMs / 1000,
        'achieved/s': round(x.achieved, 0),
        subscribers: step.connected,
        'PATCH ok': x.ok.length,
        'PATCH failed': x.failed,
        'not sent (overload)': step.skipped,
        received: s.count,
        'p50 ms': s.p50,
        'p95 ms': s.p95,
        'p99 ms': s.p99,
        'p99.9 ms': s.p999,
        'max ms': s.max,
        lost: x.lost,
        duplicates: step.receipts.duplicates,
        regressions: step.receipts.regressions,
        'admin missing': x.adminLost,
        reconnects: step.receipts.reconnects,
        target: targetFor(step.rate),
        met: met(step.rate, s, x.lost, step.skipped),
      });
      const p = (values: number[], q: number) => round(percentileOf(values, q), 2);
      hopRows.push({
        scenario,
        system: 'orderpulse',
        'loop lag p50/p99': `${p(x.hops.lag, 50)} / ${p(x.hops.lag, 99)}`,
        'HTTP response p50/p99': `${p(x.hops.http, 50)} / ${p(x.hops.http, 99)}`,
        'sent → updatedAt p50/p99': `${p(x.hops.write, 50)} / ${p(x.hops.write, 99)}`,
        'updatedAt → RabbitMQ p50/p99': tap ? `${p(x.hops.toTap, 50)} / ${p(x.hops.toTap, 99)}` : 'n/a',
        'RabbitMQ → customer p50/p99': tap ? `${p(x.hops.tapToCustomer, 50)} / ${p(x.hops.tapToCustomer, 99)}` : 'n/a',
        'updatedAt → customer p50/p99': `${p(x.hops.stampToCustomer, 50)} / ${p(x.hops.stampToCustomer, 99)}`,
        'scheduled → admin console p50/p99': `${p(x.hops.admin, 50)} / ${p(x.hops.admin, 99)}`,
      });
      const cpu: BenchRow = { scenario, system: 'orderpulse', 'window s': round(step.wallSeconds, 1) };
      let total = 0;
      for (const name of SERVERS) {
        const u = step.usage[name];
        cpu[`${name} s`] = u ? round(u.cpuSeconds, 2) : '–';
        total += u?.cpuSeconds ?? 0;
      }
      cpu['services total s'] = round(total, 2);
      cpu['rabbitmq s (shared)'] = step.usage.rabbitmq ? round(step.usage.rabbitmq.cpuSeconds, 2) : '–';
      if (store.pid) cpu['database s'] = step.usage.database ? round(step.usage.database.cpuSeconds, 2) : '–';
      for (const name of ['orders', 'delivery', 'notifier'] as const) {
        cpu[`${name} ms/update`] = x.ok.length && step.usage[name] ? round((step.usage[name].cpuSeconds * 1000) / x.ok.length, 3) : '–';
      }
      cpu['generators s'] = round(
        Object.entries(step.usage)
          .filter(([name]) => name === 'bench' || name.startsWith('generator'))
          .reduce((n, [, u]) => n + u.cpuSeconds, 0),
        2,
      );
      cpu['services ms/update'] = x.ok.length ? round((total * 1000) / x.ok.length, 3) : '–';
      cpu['broker µs/update'] = x.ok.length && step.usage.broker ? round((step.usage.broker.cpuSeconds * 1e6) / x.ok.length, 0) : '–';
      cpu['broker RSS MiB'] = step.usage.broker ? round(step.usage.broker.rssMiB, 0) : '–';
      cpuRows.push(cpu);
      if (x.failed) process.stdout.write(`  ${scenario}: failed PATCHes by code: ${JSON.stringify(x.codes)}\n`);
    }

    const latencyColumns = ['scenario', 'step s', 'subscribers', 'achieved/s', 'PATCH failed', 'not sent (overload)', 'p50 ms', 'p95 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'lost', 'duplicates', 'regressions', 'admin missing', 'target', 'met'];
    const hopColumns = Object.keys(hopRows[0] ?? {}).filter((c) => c !== 'system');
    const cpuColumns = Object.keys(cpuRows[0] ?? {}).filter((c) => c !== 'system');
    process.stdout.write('\nlatency from the scheduled PATCH send to receipt at the watching customer (ms)\n');
    printTable(rows, latencyColumns);
    process.stdout.write('\nwhere the time goes (ms, p50 / p99)\n');
    printTable(hopRows, hopColumns);
    process.stdout.write('\nserver CPU seconds over each step (from /proc)\n');
    printTable(cpuRows, cpuColumns);

    const complaints = sut.complaints();
    const notes = [
      `${QUICK ? 'Quick' : 'Full'} run, ${new Date().toISOString()}, ${machineLine()}; store: ${store.label}; took ${((Date.now() - started) / 1000).toFixed(0)} s.`,
      `Each step creates its own orders (every order walks ${'confirmed → processing → shipped → out_for_delivery → delivered'}, 5 changes, so a step at R updates/s for T s needs R·T/5 orders) and connects one customer per order over MQTT over WebSocket (subscribed to orders/<id>/status, QoS 1); they are disconnected after the step. ${IDLE} idle customers (their own orders, never changed) and ${ADMIN_CONSOLES} admin consoles on admin/orders stay connected throughout.`,
      `Overload guard: while the oldest unanswered PATCH was scheduled more than 2 s ago, scheduled PATCHes are not sent and count in "not sent (overload)"; a step with any is over capacity, its latency figures describe a system that is behind, and achieved/s is what it took. Once a step saturates, later steps get orders for at most 1.5× the highest rate achieved so far (connecting their watchers is the slow part of the run); changes that fall on an order that has walked its whole path are not sent either and count the same way (BENCH_ADAPTIVE=0 turns this off).`,
      `Latency is measured from the open-loop scheduled send time of each PATCH (no coordinated omission) to the customer's receipt of that order's version; lost = successful PATCHes whose version never reached the watching customer within ${DRAIN_MS / 1000} s after the last response. Duplicates = messages with a version equal to the highest the client had; regressions = lower.`,
      `Hops: loop lag = issued − scheduled (generator lag, or an order's previous PATCH still running); HTTP response = response − issued; sent → updatedAt = the order's updatedAt (orders-service clock at the write, ms precision; the event's occurredAt and the status message's updatedAt carry the same value) − issued; updatedAt → RabbitMQ = when a passive tap queue on the orders exchange got the event (outbox relay + publisher confirm + routing); RabbitMQ → customer = notifier consume + MQTT publish (QoS 1, PUBACK) + broker fan-out + WebSocket; updatedAt → customer uses the status message's own updatedAt.`,
      `Generators: ${children} child processes (< ${MAX_SOCKETS_PER_PROCESS} sockets each), sockets spread over 127.0.0.x; their mqtt.js WebSocket transport joins each packet into one WebSocket message, as mqtt.js does in a browser. The load generator shares the 2 cores with the system: see "generators s".`,
      `Services log at warn; lines at warn or above during the run: ${JSON.stringify(Object.fromEntries(Object.entries(complaints).map(([k, v]) => [k, v.count])))}.`,
      `Connecting (WebSocket upgrade, CONNECT with token check, SUBSCRIBE with its retained message): ${connectLog.join('; ')}. Connect rates fall as orders accumulate: on every SUBSCRIBE aedes' in-memory persistence tests every retained topic against the filter (aedes-persistence asyncPersistence.js, retainedMessagesByPattern), so one subscribe costs time in proportion to the number of orders; this dominates the run time of this bench.`,
      `delivery-service is running: each "shipped" makes it create a delivery, so the notifier also publishes orders/<id>/tracking and admin feed messages for those.`,
    ];
    const meta = { quick: QUICK, rates: RATES, stepMs: RATES.map(stepMs), idle: IDLE, adminConsoles: ADMIN_CONSOLES, generators: children, complaints, hops: hopRows, cpu: cpuRows };
    const written = writeResults(resultName, { rows, notes, histograms, meta: { ...meta, store: store.label } });
    const md = writeMarkdown(
      resultName,
      'End to end: admin PATCH → customer over MQTT over WebSocket',
      [`\`${storeKind === 'mongo' ? 'BENCH_STORE=mongo ' : ''}npm run bench:e2e -w bench\`${QUICK ? ' (BENCH_QUICK=1)' : ''}. ${notes[0]}`],
      [
        { title: 'Latency from the scheduled PATCH to receipt at the watching customer (ms)', rows, columns: latencyColumns },
        { title: 'Where the time goes (ms, p50 / p99)', rows: hopRows, columns: hopColumns },
        { title: 'Server CPU seconds per process over each step (/proc)', rows: cpuRows, columns: cpuColumns },
      ],
      notes.slice(1),
    );
    process.stdout.write(`\nwrote ${written.json}, ${written.svg ?? ''}, ${md}\n`);
    for (const [name, c] of Object.entries(complaints)) process.stdout.write(`${name} logged ${c.count} warn/error lines, last: ${c.last.join(' | ')}\n`);
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
