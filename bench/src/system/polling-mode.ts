/** One mode of the push vs polling bench: its customers set up, the measured window, what they saw. */
import { LatencyRecorder, type GeneratorPool } from '../lib/index.js';
import type { PollStats } from './customers-child.js';
import { customersWithOrders } from './customers.js';
import type { HttpJsonClient } from './http-client.js';
import { createOrders, type CreatedOrder } from './orders-setup.js';
import { CHANGES_PER_MINUTE, cpuOf, IDLE_MS, POLL_MS, POLL_SERVERS, PUSH_SERVERS, RUN_MS, SETTLE_MS } from './polling-settings.js';
import { collectUntilDelivered, type Receipts } from './receipts.js';
import type { ProcessUsage, ProcessWindow } from './server-processes.js';
import { deal, sleep } from './settings.js';
import { driveStatusChanges, STATUS_PATH, type PatchRecord } from './status-driver.js';
import type { SystemUnderTest } from './system-under-test.js';

export type Mode = 'push' | 'polling';

export interface ModeResult {
  mode: Mode;
  customers: number;
  updates: number;
  updatesOk: number;
  /** Scheduled status changes not sent because the system was over capacity. */
  notSent: number;
  usage: Record<string, ProcessUsage>;
  wallSeconds: number;
  /** The same processes over IDLE_MS with the customers watching and nothing changing, after the changes. */
  idle: IdleWindow;
  clientBytes: number;
  seenAfter: LatencyRecorder;
  unseen: number;
  poll?: { requests: number; errors: number; skipped: number; newSockets: number; statuses: Record<string, number>; latency: LatencyRecorder };
}

export interface IdleWindow {
  usage: Record<string, ProcessUsage>;
  wallSeconds: number;
}

/** CPU per process over IDLE_MS in which nothing changes (the idle cost of what is connected). */
export async function measureIdle(windowOf: ProcessWindow): Promise<IdleWindow> {
  windowOf.begin();
  await sleep(IDLE_MS);
  return windowOf.end();
}

interface Watchers {
  sut: SystemUnderTest;
  pool: GeneratorPool;
  http: HttpJsonClient;
  mode: Mode;
  customers: number;
  group: string;
}

/** Push: every customer connected over MQTT over WebSocket; polling: every customer polling its order. Then the settle time. */
async function setUpWatchers({ sut, pool, http, mode, customers, group }: Watchers): Promise<CreatedOrder[]> {
  if (mode === 'push') {
    const setUp = await customersWithOrders(sut.system.urls.mqttWs, pool, http, customers, group, 0);
    if (setUp.connected < customers) throw new Error(`only ${setUp.connected} of ${customers} customers connected`);
    await sleep(SETTLE_MS);
    return setUp.orders;
  }
  const orders = await createOrders(http, customers, group);
  const specs = orders.map((o, i) => ({ orderId: o.id, token: o.token, addressIndex: i }));
  const parts = deal(specs, pool.size);
  await pool.call('poll', (i) => ({ group, baseUrl: sut.system.urls.orders, clients: parts[i], intervalMs: POLL_MS }), 60_000);
  const settleMs = Math.max(SETTLE_MS, POLL_MS + 500);
  process.stdout.write(`  ${customers} customers polling every ${POLL_MS / 1000} s; ${settleMs / 1000} s of warm-up\n`);
  await sleep(settleMs);
  return orders;
}

/** The measured window: the status changes at `rate`, with CPU per process and the bytes the clients read. */
async function measureWindow(pool: GeneratorPool, http: HttpJsonClient, windowOf: ProcessWindow, mode: Mode, orders: CreatedOrder[], rate: number) {
  await pool.call('reset', () => null);
  const bytesBefore = await pool.call<{ mqtt: number; http: number }>('bytes', () => null);
  windowOf.begin();
  const patches = await driveStatusChanges({ client: http, orderIds: orders.map((o) => o.id), ratePerSecond: rate, durationMs: RUN_MS });
  const { usage, wallSeconds } = windowOf.end();
  if (patches.skipped + patches.exhausted)
    process.stdout.write(`  warning: ${patches.skipped + patches.exhausted} scheduled status changes not sent (system over capacity)\n`);
  const bytesAfter = await pool.call<{ mqtt: number; http: number }>('bytes', () => null);
  const key = mode === 'push' ? 'mqtt' : 'http';
  const clientBytes = bytesAfter.reduce((n, b) => n + b[key], 0) - bytesBefore.reduce((n, b) => n + b[key], 0);
  return { patches, usage, wallSeconds, clientBytes };
}

/** The polling clients' counts over the window, added up over the generators. */
function pollTotals(stats: Array<PollStats | null>): NonNullable<ModeResult['poll']> {
  const latency = new LatencyRecorder();
  const poll: NonNullable<ModeResult['poll']> = { requests: 0, errors: 0, skipped: 0, newSockets: 0, statuses: {}, latency };
  for (const s of stats) {
    if (!s) continue;
    poll.requests += s.requests;
    poll.errors += s.errors;
    poll.skipped += s.skipped;
    poll.newSockets += s.newSockets;
    for (const [code, n] of Object.entries(s.statuses)) poll.statuses[code] = (poll.statuses[code] ?? 0) + n;
    latency.merge(LatencyRecorder.fromJSON(s.latency));
  }
  return poll;
}

/** From each successful change's scheduled send to the first moment its customer had that version or newer. */
function seenAfterChanges(patches: PatchRecord[], receipts: Receipts): { seenAfter: LatencyRecorder; unseen: number; ok: PatchRecord[] } {
  const seenAfter = new LatencyRecorder();
  let unseen = 0;
  const ok = patches.filter((p) => p.code === 200 && p.version !== undefined);
  for (const p of ok) {
    const at = receipts.firstAtLeast(p.orderId, p.version!);
    if (at === undefined) unseen += 1;
    else seenAfter.record(at - p.scheduledAt);
  }
  return { seenAfter, unseen, ok };
}

export async function runMode(
  sut: SystemUnderTest,
  pool: GeneratorPool,
  http: HttpJsonClient,
  windowOf: ProcessWindow,
  mode: Mode,
  customers: number,
): Promise<ModeResult> {
  const rate = (customers * CHANGES_PER_MINUTE) / 60;
  process.stdout.write(
    `\n${mode}: ${customers} customers, ${rate.toFixed(1)} status changes/s (${CHANGES_PER_MINUTE} per order per minute) for ${RUN_MS / 1000} s\n`,
  );
  if ((CHANGES_PER_MINUTE * RUN_MS) / 60_000 > STATUS_PATH.length)
    throw new Error('more changes per order than the status path allows; lower BENCH_CHANGES_PER_MIN or BENCH_RUN_S');
  const group = `${mode}-${customers}`;
  const orders = await setUpWatchers({ sut, pool, http, mode, customers, group });
  const { patches, usage, wallSeconds, clientBytes } = await measureWindow(pool, http, windowOf, mode, orders, rate);
  const pollWindow = mode === 'polling' ? await pool.call<PollStats | null>('pollStats', () => ({ group })) : [];

  // Outside the measured window: wait until every change was seen (polling needs up to one interval).
  const receipts = await collectUntilDelivered(pool, patches, { adminConsoles: 0, deadlineMs: POLL_MS * 2 + 5_000, exact: false });
  // Then the idle cost of what is connected: after the changes, so that the customers have been up
  // longer than one keepalive period and their pings are in the window (the pages' 30 s: two each in 60 s).
  const idle = await measureIdle(windowOf);
  process.stdout.write(`  idle (watching, nothing changing) for ${IDLE_MS / 1000} s: ${idleLine(idle)}\n`);
  let poll: ModeResult['poll'];
  if (mode === 'polling') {
    await pool.call('stopPolling', () => ({ group }));
    poll = pollTotals(pollWindow);
  }
  await pool.call('disconnect', () => ({ group }), 120_000);

  const { seenAfter, unseen, ok } = seenAfterChanges(patches, receipts);
  const result: ModeResult = {
    mode,
    customers,
    updates: patches.length,
    updatesOk: ok.length,
    notSent: patches.skipped + patches.exhausted,
    usage,
    wallSeconds,
    idle,
    clientBytes,
    seenAfter,
    unseen,
  };
  if (poll) result.poll = poll;
  const counted = cpuOf(usage, mode === 'push' ? PUSH_SERVERS : POLL_SERVERS);
  process.stdout.write(
    `  → servers ${counted.toFixed(2)} CPU s, clients received ${(clientBytes / 2 ** 20).toFixed(2)} MiB, change seen after p50 ${seenAfter.summary().p50.toFixed(1)} ms\n`,
  );
  return result;
}

/** `broker 1.2 ms/s, …`: CPU per second of wall time for each process that used any. */
export function idleLine({ usage, wallSeconds }: IdleWindow): string {
  return Object.entries(usage)
    .filter(([name]) => !name.startsWith('generator') && name !== 'bench')
    .map(([name, u]) => `${name} ${((u.cpuSeconds * 1000) / wallSeconds).toFixed(1)} ms/s`)
    .join(', ');
}
