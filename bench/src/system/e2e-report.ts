/** The end-to-end bench's report: latency, where the time goes, and CPU per process, printed and written to bench/results. */
import { MAX_SOCKETS_PER_PROCESS, printTable, writeResults, type BenchRow, type LatencyRecorder } from '../lib/index.js';
import type { AmqpTap } from './amqp-tap.js';
import type { BenchStore, BenchStoreKind } from './bench-store.js';
import { connectLog } from './customers.js';
import { ADMIN_CONSOLES, ADMIN_QOS, DRAIN_MS, IDLE, met, RATES, SERVERS, stepMs, targetFor } from './e2e-settings.js';
import { achievedRate, type StepResult } from './e2e-steps.js';
import { machineLine, writeMarkdown } from './report.js';
import { percentileOf, QUICK, round } from './settings.js';
import type { SystemUnderTest } from './system-under-test.js';

export interface E2eTables {
  rows: BenchRow[];
  hopRows: BenchRow[];
  cpuRows: BenchRow[];
  histograms: Record<string, LatencyRecorder>;
  latencyColumns: string[];
  hopColumns: string[];
  cpuColumns: string[];
}

function summarise(step: StepResult, tap: AmqpTap | undefined) {
  const ok = step.patches.filter((p) => p.code === 200 && p.version !== undefined);
  const failed = step.patches.length - ok.length;
  const codes: Record<string, number> = {};
  for (const p of step.patches) if (p.code !== 200) codes[String(p.code || p.error)] = (codes[String(p.code || p.error)] ?? 0) + 1;
  let lost = 0;
  let adminLost = 0;
  const hops = {
    lag: [] as number[],
    http: [] as number[],
    write: [] as number[],
    toTap: [] as number[],
    tapToCustomer: [] as number[],
    stampToCustomer: [] as number[],
    admin: [] as number[],
  };
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

/** One row per step in each table; failed PATCHes are listed by code as they are counted. */
export function e2eTables(steps: StepResult[], tap: AmqpTap | undefined, store: BenchStore): E2eTables {
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
    // Write system calls per update (socket writes, mostly: each is a trip through the kernel's TCP stack).
    for (const name of ['orders', 'delivery', 'notifier', 'broker', 'rabbitmq'] as const) {
      const u = step.usage[name];
      cpu[`${name} writes/update`] = x.ok.length && u && Number.isFinite(u.writeCalls) ? round(u.writeCalls / x.ok.length, 2) : '–';
    }
    // Wake-ups per update: at low rates each one runs the process's code on cold caches (e2e-eleventh-round.md).
    for (const name of ['orders', 'delivery', 'notifier', 'broker'] as const) {
      const u = step.usage[name];
      const per = (n: number | undefined) => (x.ok.length && n !== undefined && Number.isFinite(n) ? round(n / x.ok.length, 2) : '–');
      cpu[`${name} wake-ups/update`] = per(u?.wakeups);
      cpu[`${name} preempted/update`] = per(u?.preemptions);
    }
    cpuRows.push(cpu);
    if (x.failed) process.stdout.write(`  ${scenario}: failed PATCHes by code: ${JSON.stringify(x.codes)}\n`);
  }

  const latencyColumns = [
    'scenario',
    'step s',
    'subscribers',
    'achieved/s',
    'PATCH failed',
    'not sent (overload)',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'p99.9 ms',
    'max ms',
    'lost',
    'duplicates',
    'regressions',
    'admin missing',
    'target',
    'met',
  ];
  const hopColumns = Object.keys(hopRows[0] ?? {}).filter((c) => c !== 'system');
  const cpuColumns = Object.keys(cpuRows[0] ?? {}).filter((c) => c !== 'system');
  return { rows, hopRows, cpuRows, histograms, latencyColumns, hopColumns, cpuColumns };
}

export function printE2eTables({ rows, hopRows, cpuRows, latencyColumns, hopColumns, cpuColumns }: E2eTables): void {
  process.stdout.write('\nlatency from the scheduled PATCH send to receipt at the watching customer (ms)\n');
  printTable(rows, latencyColumns);
  process.stdout.write('\nwhere the time goes (ms, p50 / p99)\n');
  printTable(hopRows, hopColumns);
  process.stdout.write('\nserver CPU seconds over each step (from /proc)\n');
  printTable(cpuRows, cpuColumns);
}

/** bench/results/<name>.json, .svg and .md with the run's notes, and the services' complaints. */
export function writeE2eReport(
  { rows, hopRows, cpuRows, histograms, latencyColumns, hopColumns, cpuColumns }: E2eTables,
  run: { sut: SystemUnderTest; store: BenchStore; storeKind: BenchStoreKind; resultName: string; started: number; children: number },
): void {
  const { sut, store, storeKind, resultName, started, children } = run;
  const complaints = sut.complaints();
  const notes = [
    `${QUICK ? 'Quick' : 'Full'} run, ${new Date().toISOString()}, ${machineLine()}; store: ${store.label}; took ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    `Each step creates its own orders (every order walks ${'confirmed → processing → shipped → out_for_delivery → delivered'}, 5 changes, so a step at R updates/s for T s needs R·T/5 orders) and connects one customer per order over MQTT over WebSocket (subscribed to orders/<id>/status, QoS 1); they are disconnected after the step. ${IDLE} idle customers (their own orders, never changed) and ${ADMIN_CONSOLES} admin consoles on admin/orders (QoS ${ADMIN_QOS}; the console page subscribes at 0) stay connected throughout.`,
    `Overload guard: while the oldest unanswered PATCH was scheduled more than 2 s ago, scheduled PATCHes are not sent and count in "not sent (overload)"; a step with any is over capacity, its latency figures describe a system that is behind, and achieved/s is what it took. Once a step saturates, later steps get orders for at most 1.5× the highest rate achieved so far (connecting their watchers is the slow part of the run); changes that fall on an order that has walked its whole path are not sent either and count the same way (BENCH_ADAPTIVE=0 turns this off).`,
    `Latency is measured from the open-loop scheduled send time of each PATCH (no coordinated omission) to the customer's receipt of that order's version; lost = successful PATCHes whose version never reached the watching customer within ${DRAIN_MS / 1000} s after the last response. Duplicates = messages with a version equal to the highest the client had; regressions = lower.`,
    `Hops: loop lag = issued − scheduled (generator lag, or an order's previous PATCH still running); HTTP response = response − issued; sent → updatedAt = the order's updatedAt (orders-service clock at the write, ms precision; the event's occurredAt and the status message's updatedAt carry the same value) − issued; updatedAt → RabbitMQ = when a passive tap queue on the orders exchange got the event (outbox relay + publisher confirm + routing); RabbitMQ → customer = notifier consume + MQTT publish (QoS 1, PUBACK) + broker fan-out + WebSocket; updatedAt → customer uses the status message's own updatedAt.`,
    `Generators: ${children} child processes (< ${MAX_SOCKETS_PER_PROCESS} sockets each), sockets spread over 127.0.0.x; their mqtt.js WebSocket transport joins each packet into one WebSocket message, as mqtt.js does in a browser. The load generator shares the 2 cores with the system: see "generators s".`,
    `Wake-ups/update = a service's voluntary context switches (all threads; a Node service's main thread blocks once per wait in epoll) ÷ the step's successful PATCHes; preempted/update = involuntary ones (the scheduler gave its CPU to another process). At low rates each wake-up runs cold: \`npm run bench:wakeup -w bench\` measures what one costs this machine.`,
    `Services log at warn; lines at warn or above during the run: ${JSON.stringify(Object.fromEntries(Object.entries(complaints).map(([k, v]) => [k, v.count])))}.`,
    `Connecting (WebSocket upgrade, CONNECT with token check, SUBSCRIBE with its retained message): ${connectLog.join('; ')}. A customer's SUBSCRIBE names one topic: the broker finds its retained message by topic (broker/src/retained-index.ts), not by aedes' scan of every retained message, which once made each subscribe cost time in proportion to the number of orders.`,
    `delivery-service is running: each "shipped" makes it create a delivery, so the notifier also publishes orders/<id>/tracking and admin feed messages for those.`,
  ];
  const meta = {
    quick: QUICK,
    rates: RATES,
    stepMs: RATES.map(stepMs),
    idle: IDLE,
    adminConsoles: ADMIN_CONSOLES,
    adminQos: ADMIN_QOS,
    generators: children,
    complaints,
    hops: hopRows,
    cpu: cpuRows,
  };
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
}
