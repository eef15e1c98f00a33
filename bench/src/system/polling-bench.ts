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
import { GeneratorPool, LatencyRecorder, printTable, writeResults, type BenchRow } from '../lib/index.js';
import type { PollStats } from './customers-child.js';
import { customersWithOrders } from './customers.js';
import { HttpJsonClient } from './http-client.js';
import { createOrders, type CreatedOrder } from './orders-setup.js';
import { collectUntilDelivered } from './receipts.js';
import { machineLine, writeMarkdown } from './report.js';
import { ProcessWindow, type ProcessUsage } from './server-processes.js';
import { deal, envNumber, envNumbers, QUICK, round, sleep } from './settings.js';
import { driveStatusChanges, STATUS_PATH } from './status-driver.js';
import { startSystemUnderTest, type SystemUnderTest } from './system-under-test.js';

const SIZES = envNumbers('BENCH_CUSTOMERS', QUICK ? [1_000] : [1_000, 5_000]);
const RUN_MS = envNumber('BENCH_RUN_S', QUICK ? 15 : 60) * 1000;
const POLL_MS = envNumber('BENCH_POLL_S', 5) * 1000;
const CHANGES_PER_MINUTE = envNumber('BENCH_CHANGES_PER_MIN', 3);
/**
 * Quiet time between a mode's set-up (orders created, customers connected or polling) and its
 * measured window, the same for both modes, so the window shows the cost of watching rather
 * than the tail of the set-up burst (garbage collection, JIT). Polling waits at least one interval.
 */
const SETTLE_MS = envNumber('BENCH_SETTLE_S', QUICK ? 2 : 10) * 1000;
const GENERATORS = 2;
const PUSH_SERVERS = ['broker', 'notifier', 'orders'];
const POLL_SERVERS = ['orders'];

type Mode = 'push' | 'polling';

interface ModeResult {
  mode: Mode;
  customers: number;
  updates: number;
  updatesOk: number;
  /** Scheduled status changes not sent because the system was over capacity. */
  notSent: number;
  usage: Record<string, ProcessUsage>;
  wallSeconds: number;
  clientBytes: number;
  seenAfter: LatencyRecorder;
  unseen: number;
  poll?: { requests: number; errors: number; skipped: number; newSockets: number; statuses: Record<string, number>; latency: LatencyRecorder };
}

const cpuOf = (usage: Record<string, ProcessUsage>, names: string[]) => names.reduce((n, name) => n + (usage[name]?.cpuSeconds ?? 0), 0);

async function runMode(sut: SystemUnderTest, pool: GeneratorPool, http: HttpJsonClient, windowOf: ProcessWindow, mode: Mode, customers: number): Promise<ModeResult> {
  const rate = (customers * CHANGES_PER_MINUTE) / 60;
  process.stdout.write(`\n${mode}: ${customers} customers, ${rate.toFixed(1)} status changes/s (${CHANGES_PER_MINUTE} per order per minute) for ${RUN_MS / 1000} s\n`);
  if ((CHANGES_PER_MINUTE * RUN_MS) / 60_000 > STATUS_PATH.length) throw new Error('more changes per order than the status path allows; lower BENCH_CHANGES_PER_MIN or BENCH_RUN_S');
  const group = `${mode}-${customers}`;
  let orders: CreatedOrder[];
  if (mode === 'push') {
    const setUp = await customersWithOrders(sut.system.urls.mqttWs, pool, http, customers, group, 0);
    if (setUp.connected < customers) throw new Error(`only ${setUp.connected} of ${customers} customers connected`);
    orders = setUp.orders;
    await sleep(SETTLE_MS);
  } else {
    orders = await createOrders(http, customers, group);
    const specs = orders.map((o, i) => ({ orderId: o.id, token: o.token, addressIndex: i }));
    const parts = deal(specs, pool.size);
    await pool.call('poll', (i) => ({ group, baseUrl: sut.system.urls.orders, clients: parts[i], intervalMs: POLL_MS }), 60_000);
    const settleMs = Math.max(SETTLE_MS, POLL_MS + 500);
    process.stdout.write(`  ${customers} customers polling every ${POLL_MS / 1000} s; ${settleMs / 1000} s of warm-up\n`);
    await sleep(settleMs);
  }
  await pool.call('reset', () => null);
  const bytesBefore = await pool.call<{ mqtt: number; http: number }>('bytes', () => null);
  windowOf.begin();
  const patches = await driveStatusChanges({ client: http, orderIds: orders.map((o) => o.id), ratePerSecond: rate, durationMs: RUN_MS });
  const { usage, wallSeconds } = windowOf.end();
  if (patches.skipped + patches.exhausted) process.stdout.write(`  warning: ${patches.skipped + patches.exhausted} scheduled status changes not sent (system over capacity)\n`);
  const bytesAfter = await pool.call<{ mqtt: number; http: number }>('bytes', () => null);
  const key = mode === 'push' ? 'mqtt' : 'http';
  const clientBytes = bytesAfter.reduce((n, b) => n + b[key], 0) - bytesBefore.reduce((n, b) => n + b[key], 0);
  const pollWindow = mode === 'polling' ? await pool.call<PollStats | null>('pollStats', () => ({ group })) : [];

  // Outside the measured window: wait until every change was seen (polling needs up to one interval).
  const receipts = await collectUntilDelivered(pool, patches, { adminConsoles: 0, deadlineMs: POLL_MS * 2 + 5_000, exact: false });
  let poll: ModeResult['poll'];
  if (mode === 'polling') {
    await pool.call('stopPolling', () => ({ group }));
    const stats = pollWindow;
    const latency = new LatencyRecorder();
    poll = { requests: 0, errors: 0, skipped: 0, newSockets: 0, statuses: {}, latency };
    for (const s of stats) {
      if (!s) continue;
      poll.requests += s.requests;
      poll.errors += s.errors;
      poll.skipped += s.skipped;
      poll.newSockets += s.newSockets;
      for (const [code, n] of Object.entries(s.statuses)) poll.statuses[code] = (poll.statuses[code] ?? 0) + n;
      latency.merge(LatencyRecorder.fromJSON(s.latency));
    }
  }
  await pool.call('disconnect', () => ({ group }), 120_000);

  const seenAfter = new LatencyRecorder();
  let unseen = 0;
  const ok = patches.filter((p) => p.code === 200 && p.version !== undefined);
  for (const p of ok) {
    const at = receipts.firstAtLeast(p.orderId, p.version!);
    if (at === undefined) unseen += 1;
    else seenAfter.record(at - p.scheduledAt);
  }
  const result: ModeResult = { mode, customers, updates: patches.length, updatesOk: ok.length, notSent: patches.skipped + patches.exhausted, usage, wallSeconds, clientBytes, seenAfter, unseen };
  if (poll) result.poll = poll;
  const counted = cpuOf(usage, mode === 'push' ? PUSH_SERVERS : POLL_SERVERS);
  process.stdout.write(`  → servers ${counted.toFixed(2)} CPU s, clients received ${(clientBytes / 2 ** 20).toFixed(2)} MiB, change seen after p50 ${seenAfter.summary().p50.toFixed(1)} ms\n`);
  return result;
}

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
    const generatorPids = pool.pids();
    const windowOf = new ProcessWindow(() => {
      const pids: Record<string, number | undefined> = { ...sut.pids(), bench: process.pid };
      generatorPids.forEach((pid, i) => (pids[`generator${i}`] = pid));
      return pids;
    });
    const results: ModeResult[] = [];
    for (const customers of SIZES) {
      for (const mode of ['push', 'polling'] as const) {
        results.push(await runMode(sut, pool, http, windowOf, mode, customers));
        sut.assertAlive();
      }
    }

    // ---- report ------------------------------------------------------------------------------
    const rows: BenchRow[] = [];
    const ratioRows: BenchRow[] = [];
    const histograms: Record<string, LatencyRecorder> = {};
    for (const r of results) {
      const u = r.usage;
      const counted = cpuOf(u, r.mode === 'push' ? PUSH_SERVERS : POLL_SERVERS);
      const perMinute = 60 / r.wallSeconds;
      const s = r.seenAfter.summary();
      histograms[`${r.mode}, ${r.customers} customers: change seen after`] = r.seenAfter;
      rows.push({
        scenario: `${r.mode}, ${r.customers} customers`,
        system: 'orderpulse',
        mode: r.mode,
        customers: r.customers,
        'window s': round(r.wallSeconds, 1),
        'status changes': r.updatesOk,
        'changes not sent': r.notSent,
        'GET requests': r.poll?.requests ?? 0,
        'orders s': round(u.orders?.cpuSeconds ?? NaN, 2),
        'notifier s': round(u.notifier?.cpuSeconds ?? NaN, 2),
        'broker s': round(u.broker?.cpuSeconds ?? NaN, 2),
        'delivery s': round(u.delivery?.cpuSeconds ?? NaN, 2),
        'counted servers': r.mode === 'push' ? PUSH_SERVERS.join('+') : POLL_SERVERS.join('+'),
        'server CPU s': round(counted, 2),
        'CPU s per customer-hour': round((counted / r.customers) * (3_600 / r.wallSeconds), 3),
        'MiB to clients': round(r.clientBytes / 2 ** 20, 2),
        'bytes per customer-minute': round((r.clientBytes / r.customers) * perMinute, 0),
        'seen after p50 ms': round(s.p50, 1),
        'seen after p99 ms': round(s.p99, 1),
        unseen: r.unseen,
        'poll errors': r.poll ? r.poll.errors + r.poll.requests - (r.poll.statuses['200'] ?? 0) : 0,
        'new TCP connections': r.poll?.newSockets ?? 0,
      });
    }
    for (const customers of SIZES) {
      const push = results.find((r) => r.customers === customers && r.mode === 'push');
      const polling = results.find((r) => r.customers === customers && r.mode === 'polling');
      if (!push || !polling) continue;
      // Normalise to the same wall time (the windows differ by a few ms).
      const pushCpu = cpuOf(push.usage, PUSH_SERVERS) / push.wallSeconds;
      const pollCpu = cpuOf(polling.usage, POLL_SERVERS) / polling.wallSeconds;
      // What keeping the customers informed costs on top of taking the status changes: push = the
      // broker and notifier; polling = orders-service's CPU above what it used in the push run
      // (same status changes, so the difference is serving the GETs).
      const pushMarginal = cpuOf(push.usage, ['broker', 'notifier']) / push.wallSeconds;
      const pollMarginal = Math.max(0, (polling.usage.orders?.cpuSeconds ?? 0) / polling.wallSeconds - (push.usage.orders?.cpuSeconds ?? 0) / push.wallSeconds);
      const pushBytes = push.clientBytes / push.wallSeconds;
      const pollBytes = polling.clientBytes / polling.wallSeconds;
      // Unit costs, and the change rate at which polling would cost 20× push (same counting as
      // above): per customer-minute, push = P·(patch + notify), polling = P·patch + polls·get.
      const patchMs = ((push.usage.orders?.cpuSeconds ?? 0) * 1000) / push.updatesOk;
      const notifyMs = (cpuOf(push.usage, ['broker', 'notifier']) * 1000) / push.updatesOk;
      const getMs = polling.poll?.requests ? (pollMarginal * polling.wallSeconds * 1000) / polling.poll.requests : NaN;
      const pollsPerMinute = 60_000 / POLL_MS;
      const breakEvenPerMinute = (pollsPerMinute * getMs) / (20 * (patchMs + notifyMs) - patchMs);
      ratioRows.push({
        scenario: `${customers} customers`,
        system: 'orderpulse',
        customers,
        'push CPU s/min (broker+notifier+orders)': round(pushCpu * 60, 2),
        'polling CPU s/min (orders)': round(pollCpu * 60, 2),
        'polling ÷ push CPU': round(pollCpu / pushCpu, 1),
        'push CPU s/min, watchers only (broker+notifier)': round(pushMarginal * 60, 2),
        'polling CPU s/min, watchers only (orders − push run)': round(pollMarginal * 60, 2),
        'polling ÷ push, watchers only': round(pollMarginal / pushMarginal, 1),
        'polling ÷ push bytes': round(pollBytes / pushBytes, 1),
        'orders ms/PATCH': round(patchMs, 2),
        'broker+notifier ms/change': round(notifyMs, 2),
        'orders ms/GET': round(getMs, 3),
        '20× at ≤ changes per order-hour': round(breakEvenPerMinute * 60, 1),
        target: 'push ≥ 20× cheaper in server CPU',
        met: pollCpu / pushCpu >= 20 ? 'yes' : pollMarginal / pushMarginal >= 20 ? 'watchers only' : 'NO',
        note:
          polling.notSent > 0 || push.notSent > 0
            ? `${polling.notSent > 0 ? 'polling' : 'push'} run over capacity: ${Math.max(polling.notSent, push.notSent)} changes not sent, so its CPU is a lower bound`
            : '',
      });
    }
    const columns = [
      'scenario',
      'window s',
      'status changes',
      'changes not sent',
      'GET requests',
      'orders s',
      'notifier s',
      'broker s',
      'delivery s',
      'server CPU s',
      'CPU s per customer-hour',
      'MiB to clients',
      'bytes per customer-minute',
      'seen after p50 ms',
      'seen after p99 ms',
      'unseen',
      'poll errors',
      'new TCP connections',
    ];
    const ratioColumns = Object.keys(ratioRows[0] ?? {}).filter((c) => c !== 'system' && c !== 'scenario');
    process.stdout.write('\nper mode (CPU seconds from /proc over the measured window; bytes = socket.bytesRead at the clients)\n');
    printTable(rows, columns);
    process.stdout.write('\npolling vs push\n');
    printTable(ratioRows, ratioColumns);

    const complaints = sut.complaints();
    const notes = [
      `${QUICK ? 'Quick' : 'Full'} run, ${new Date().toISOString()}, ${machineLine()}; took ${((Date.now() - started) / 1000).toFixed(0)} s.`,
      `Both modes run against the same system with the same update stream: every order changes ${CHANGES_PER_MINUTE} times a minute (admin PATCH /orders/:id/status, open loop, round-robin over the orders). Each mode gets fresh orders. The measured window is the ${RUN_MS / 1000} s of changes; it starts ${SETTLE_MS / 1000} s after every customer is connected (push) or polling (polling; at least one poll interval), so neither mode's window carries its set-up burst.`,
      `Push: one MQTT-over-WebSocket connection per customer (customer token, subscribed to orders/<id>/status, QoS 1, keepalive 60 s). Polling: one keep-alive HTTP connection per customer, GET /orders/:id with the tracking token every ${POLL_MS / 1000} s, first polls spread over one interval; orders-service closes idle keep-alive sockets after 5 s, so some polls open a new connection ("new TCP connections").`,
      `"server CPU s" counts ${PUSH_SERVERS.join('+')} for push and ${POLL_SERVERS.join('+')} for polling (clients call orders-service directly; the web-client is not involved). Both include orders-service taking the PATCHes and publishing their events; "watchers only" removes that: push = broker + notifier, polling = orders-service CPU minus its CPU in the push run with the same changes. In the polling run the notifier and broker still publish every change (to no subscriber); their CPU is shown but not counted.`,
      `Unit costs: orders ms/PATCH = orders-service CPU in the push run ÷ status changes (taking the PATCH, journaling, outbox publish, plus its idle share); broker+notifier ms/change = their CPU in the push run ÷ changes (includes holding the connections); orders ms/GET = the polling run's extra orders-service CPU ÷ GETs. "20× at ≤ changes per order-hour" solves (P·PATCH + ${60_000 / POLL_MS}·GET) ÷ (P·(PATCH + broker+notifier)) = 20 for P: with changes that rare or rarer, push is 20× cheaper by the counting above. The ratio depends on how often orders change far more than on the number of customers.`,
      `Bytes are what the clients read from their sockets (socket.bytesRead: HTTP headers and bodies, or WebSocket frames with MQTT packets, keepalive pings included).`,
      `"seen after" = from the scheduled PATCH to the first moment the customer had that version or a newer one; unseen = changes never seen within ${(POLL_MS * 2 + 5_000) / 1000} s.`,
      `Services log at warn; lines at warn or above during the run: ${JSON.stringify(Object.fromEntries(Object.entries(complaints).map(([k, v]) => [k, v.count])))}.`,
    ];
    const meta = { quick: QUICK, sizes: SIZES, runMs: RUN_MS, settleMs: SETTLE_MS, pollMs: POLL_MS, changesPerMinute: CHANGES_PER_MINUTE, ratios: ratioRows, usage: results.map((r) => ({ mode: r.mode, customers: r.customers, usage: r.usage, poll: r.poll && { ...r.poll, latency: r.poll.latency.summary() } })) };
    const written = writeResults('polling', { rows, notes, histograms, meta });
    const md = writeMarkdown(
      'polling',
      'Push (MQTT over WebSocket) vs polling every 5 s',
      [`\`npm run bench:polling -w bench\`${QUICK ? ' (BENCH_QUICK=1)' : ''}. ${notes[0]}`],
      [
        { title: 'Polling vs push', rows: ratioRows, columns: ratioColumns },
        { title: 'Per mode', rows, columns },
      ],
      notes.slice(1),
    );
    process.stdout.write(`\nwrote ${written.json}, ${written.svg ?? ''}, ${md}\n`);
    for (const [name, c] of Object.entries(complaints)) process.stdout.write(`${name} logged ${c.count} warn/error lines, last: ${c.last.join(' | ')}\n`);
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
