/** The end-to-end bench's steps: watchers that stay connected, then one measured step per rate. */
import { LatencyRecorder, type GeneratorPool } from '../lib/index.js';
import type { MqttClientSpec } from './customers-child.js';
import { connectGroup, customersWithOrders } from './customers.js';
import { ADAPTIVE, ADMIN_CONSOLES, CONNECT_CONCURRENCY, DRAIN_MS, IDLE, RATES, stepMs } from './e2e-settings.js';
import type { HttpJsonClient } from './http-client.js';
import { collectUntilDelivered, type Receipts } from './receipts.js';
import type { ProcessUsage, ProcessWindow } from './server-processes.js';
import { sleep } from './settings.js';
import { driveStatusChanges, ordersNeeded, type PatchRecord } from './status-driver.js';
import type { SystemUnderTest } from './system-under-test.js';

export interface StepResult {
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

/**
 * Idle customers (their own orders, never changed) and admin consoles on admin/orders, connected
 * for the whole run; returns how many are connected.
 */
export async function connectStandingWatchers(sut: SystemUnderTest, pool: GeneratorPool, http: HttpJsonClient, children: number): Promise<number> {
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
  return idleConnected;
}

/** One step per rate in RATES, each on fresh orders with a watching customer each. */
export async function runSteps(
  sut: SystemUnderTest,
  pool: GeneratorPool,
  http: HttpJsonClient,
  idleConnected: number,
  windowOf: ProcessWindow,
): Promise<StepResult[]> {
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
  return steps;
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
  return {
    rate,
    durationMs,
    active,
    patches,
    skipped: patches.skipped + patches.exhausted,
    receipts,
    usage,
    wallSeconds,
    latency,
    connected: connected + idleConnected,
  };
}

/** Successful PATCHes per second, from the first scheduled send to the last response. */
export function achievedRate(step: StepResult): number {
  const ok = step.patches.filter((p) => p.code === 200).length;
  if (!step.patches.length) return 0;
  const first = Math.min(...step.patches.map((p) => p.scheduledAt));
  const last = Math.max(...step.patches.map((p) => p.respondedAt));
  return ok / ((last - first) / 1000);
}
