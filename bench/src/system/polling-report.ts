/** The push vs polling bench's report: per mode, polling vs push, printed and written to bench/results. */
import { BROWSER_KEEPALIVE_SECONDS } from '@orderpulse/contracts';
import { printTable, writeResults, type BenchRow, type LatencyRecorder } from '../lib/index.js';
import type { IdleWindow, ModeResult } from './polling-mode.js';
import { CHANGES_PER_MINUTE, cpuOf, IDLE_MS, IDLE_PROCESSES, POLL_MS, POLL_SERVERS, PUSH_SERVERS, RUN_MS, SETTLE_MS, SIZES } from './polling-settings.js';
import { machineLine, writeMarkdown } from './report.js';
import { QUICK, round } from './settings.js';
import type { SystemUnderTest } from './system-under-test.js';

export interface PollingTables {
  rows: BenchRow[];
  ratioRows: BenchRow[];
  histograms: Record<string, LatencyRecorder>;
  columns: string[];
  ratioColumns: string[];
  idleRows: BenchRow[];
  idleColumns: string[];
}

const msPerSecond = (window: IdleWindow, names: string[]) => round((cpuOf(window.usage, names) * 1000) / window.wallSeconds, 2);

/** Issue 15 point 3: what each process costs while nothing changes, alone and with each mode's customers watching. */
function idleRow(scenario: string, window: IdleWindow, counted: string[] | undefined): BenchRow {
  const row: BenchRow = { scenario, system: 'orderpulse', 'window s': round(window.wallSeconds, 1) };
  for (const name of IDLE_PROCESSES) row[`${name} ms/s`] = msPerSecond(window, [name]);
  row['all ms/s'] = msPerSecond(window, IDLE_PROCESSES);
  row['counted servers'] = counted ? counted.join('+') : '';
  row['counted ms/s'] = counted ? msPerSecond(window, counted) : '';
  return row;
}

/** A row per mode and customer count, and one comparing the two modes per customer count. */
export function pollingTables(results: ModeResult[], alone: IdleWindow): PollingTables {
  const rows: BenchRow[] = [];
  const ratioRows: BenchRow[] = [];
  const histograms: Record<string, LatencyRecorder> = {};
  const idleRows: BenchRow[] = [idleRow('nothing connected', alone, undefined)];
  for (const r of results) {
    idleRows.push(idleRow(`${r.mode}, ${r.customers} customers watching`, r.idle, r.mode === 'push' ? ['broker', 'notifier'] : POLL_SERVERS));
  }
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
      'idle: polling ÷ push CPU (orders vs broker+notifier, nothing changing)': round(
        cpuOf(polling.idle.usage, POLL_SERVERS) / polling.idle.wallSeconds / (cpuOf(push.idle.usage, ['broker', 'notifier']) / push.idle.wallSeconds),
        1,
      ),
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
  const idleColumns = Object.keys(idleRows[0] ?? {}).filter((c) => c !== 'system');
  return { rows, ratioRows, histograms, columns, ratioColumns, idleRows, idleColumns };
}

export function printPollingTables({ rows, ratioRows, columns, ratioColumns, idleRows, idleColumns }: PollingTables): void {
  process.stdout.write(`\nidle cost (CPU ms per second of wall time over ${IDLE_MS / 1000} s with nothing changing)\n`);
  printTable(idleRows, idleColumns);
  process.stdout.write('\nper mode (CPU seconds from /proc over the measured window; bytes = socket.bytesRead at the clients)\n');
  printTable(rows, columns);
  process.stdout.write('\npolling vs push\n');
  printTable(ratioRows, ratioColumns);
}

/** bench/results/polling.json, .svg and .md with the run's notes, and the services' complaints. */
export function writePollingReport(
  { rows, ratioRows, histograms, columns, ratioColumns, idleRows, idleColumns }: PollingTables,
  results: ModeResult[],
  run: { sut: SystemUnderTest; started: number },
): void {
  const { sut, started } = run;
  const complaints = sut.complaints();
  const notes = [
    `${QUICK ? 'Quick' : 'Full'} run, ${new Date().toISOString()}, ${machineLine()}; took ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    `Both modes run against the same system with the same update stream: every order changes ${CHANGES_PER_MINUTE} times a minute (admin PATCH /orders/:id/status, open loop, round-robin over the orders). Each mode gets fresh orders. The measured window is the ${RUN_MS / 1000} s of changes; it starts ${SETTLE_MS / 1000} s after every customer is connected (push) or polling (polling; at least one poll interval), so neither mode's window carries its set-up burst.`,
    `Push: one MQTT-over-WebSocket connection per customer (customer token, subscribed to orders/<id>/status, QoS 1, keepalive ${BROWSER_KEEPALIVE_SECONDS} s as the tracking page). Polling: one keep-alive HTTP connection per customer, GET /orders/:id with the tracking token every ${POLL_MS / 1000} s, first polls spread over one interval; orders-service closes idle keep-alive sockets after 5 s, so some polls open a new connection ("new TCP connections").`,
    `"server CPU s" counts ${PUSH_SERVERS.join('+')} for push and ${POLL_SERVERS.join('+')} for polling (clients call orders-service directly; the web-client is not involved). Both include orders-service taking the PATCHes and publishing their events; "watchers only" removes that: push = broker + notifier, polling = orders-service CPU minus its CPU in the push run with the same changes. In the polling run the notifier and broker still publish every change (to no subscriber); their CPU is shown but not counted.`,
    `Unit costs: orders ms/PATCH = orders-service CPU in the push run ÷ status changes (taking the PATCH, journaling, outbox publish, plus its idle share); broker+notifier ms/change = their CPU in the push run ÷ changes (includes holding the connections); orders ms/GET = the polling run's extra orders-service CPU ÷ GETs. "20× at ≤ changes per order-hour" solves (P·PATCH + ${60_000 / POLL_MS}·GET) ÷ (P·(PATCH + broker+notifier)) = 20 for P: with changes that rare or rarer, push is 20× cheaper by the counting above. The ratio depends on how often orders change far more than on the number of customers.`,
    `Idle cost: CPU per second of wall time of each process over ${IDLE_MS / 1000} s in which nothing changes: once with the system up and nobody connected, then in each mode with its customers watching (push: connected and subscribed; polling: polling), after that mode's changes were all seen, so the push customers have been connected for more than one keepalive period. For push that is what holding the connections costs (each customer's keepalive ping every ${BROWSER_KEEPALIVE_SECONDS} s, timers); for polling it is the GETs themselves.`,
    `Bytes are what the clients read from their sockets (socket.bytesRead: HTTP headers and bodies, or WebSocket frames with MQTT packets, keepalive pings included).`,
    `"seen after" = from the scheduled PATCH to the first moment the customer had that version or a newer one; unseen = changes never seen within ${(POLL_MS * 2 + 5_000) / 1000} s.`,
    `Services log at warn; lines at warn or above during the run: ${JSON.stringify(Object.fromEntries(Object.entries(complaints).map(([k, v]) => [k, v.count])))}.`,
  ];
  const meta = {
    quick: QUICK,
    sizes: SIZES,
    runMs: RUN_MS,
    settleMs: SETTLE_MS,
    pollMs: POLL_MS,
    changesPerMinute: CHANGES_PER_MINUTE,
    ratios: ratioRows,
    idle: idleRows,
    usage: results.map((r) => ({ mode: r.mode, customers: r.customers, usage: r.usage, poll: r.poll && { ...r.poll, latency: r.poll.latency.summary() } })),
  };
  const written = writeResults('polling', { rows, notes, histograms, meta });
  const md = writeMarkdown(
    'polling',
    'Push (MQTT over WebSocket) vs polling every 5 s',
    [`\`npm run bench:polling -w bench\`${QUICK ? ' (BENCH_QUICK=1)' : ''}. ${notes[0]}`],
    [
      { title: 'Polling vs push', rows: ratioRows, columns: ratioColumns },
      { title: 'Idle cost of each process (CPU ms per second, nothing changing)', rows: idleRows, columns: idleColumns },
      { title: 'Per mode', rows, columns },
    ],
    notes.slice(1),
  );
  process.stdout.write(`\nwrote ${written.json}, ${written.svg ?? ''}, ${md}\n`);
  for (const [name, c] of Object.entries(complaints)) process.stdout.write(`${name} logged ${c.count} warn/error lines, last: ${c.last.join(' | ')}\n`);
}
