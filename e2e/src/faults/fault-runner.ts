import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import type { OrderSnapshot } from '@orderpulse/contracts';
import { topics } from '@orderpulse/contracts';
import { waitFor } from '@orderpulse/service-kit/testing';
import type { OrdersClient } from '../harness/orders-client.js';
import type { RunningSystem } from '../harness/system.js';
import type { TestTokens } from '../harness/tokens.js';
import { checkSubscribers, StatusSubscriber, type Expected } from './order-subscribers.js';
import { StreamDriver } from './stream-driver.js';

export const RABBITMQCTL = '/usr/sbin/rabbitmqctl';

/** Why the rabbitmqctl faults cannot run here, or undefined when they can. */
export const rabbitmqctlMissing = (): string | undefined =>
  existsSync(RABBITMQCTL) ? undefined : `${RABBITMQCTL} is not installed (Debian: apt-get install rabbitmq-server; .ci/run installs it)`;

/** One line of the README's fault table. */
export interface FaultRow {
  fault: string;
  events: number;
  orders: number;
  lost: number;
  regressions: number;
  /** The longest gap between two updates reaching a watching admin console once the fault hit (ms). */
  stallMs?: number;
  /** From when what the fault took away answered again to the next update at that console (ms). */
  resumedMs?: number;
  note?: string;
}

export function faultTable(rows: FaultRow[]): string {
  const lines = [
    '| fault | events sent | orders checked | lost | regressions | stall (ms) | next update after it answered again (ms) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of rows)
    lines.push(
      `| ${r.fault}${r.note ? ` (${r.note})` : ''} | ${r.events} | ${r.orders} | ${r.lost} | ${r.regressions} | ${r.stallMs ?? '–'} | ${r.resumedMs ?? '–'} |`,
    );
  return lines.join('\n');
}

/** Runs `fn` over `items`, `limit` at a time. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/** A GET that rides out a service restart: retried until it answers 200 or `what` times out. */
export function getOrderEventually(orders: OrdersClient, id: string): Promise<OrderSnapshot> {
  return waitFor(
    async () => {
      const res = await orders.getOrder(id);
      return res.status === 200 && res.body;
    },
    `GET /orders/${id}`,
    20_000,
  );
}

/** Closes every RabbitMQ connection of this system (named `<namespace>.<service>`); other suites share the RabbitMQ. */
export async function closeRabbitMqConnections(namespace: string): Promise<number> {
  const run = promisify(execFile);
  const { stdout } = await run(RABBITMQCTL, ['list_connections', 'pid', 'client_properties', '--quiet', '--no-table-headers'], { timeout: 30_000 });
  const ours = stdout
    .split('\n')
    .filter((line) => line.includes(`"${namespace}.`))
    .map((line) => line.split('\t')[0] as string);
  for (const pid of ours) await run(RABBITMQCTL, ['close_connection', pid, 'fault test'], { timeout: 30_000 });
  return ours.length;
}

export interface FaultRunnerOptions {
  system: RunningSystem;
  namespace: string;
  tokens: TestTokens;
  orders: OrdersClient;
  adminToken: string;
  rows: FaultRow[];
  ordersPerFault?: number;
  customerSubscribers?: number;
  ratePerSecond?: number;
  convergeMs?: number;
}

export interface FaultOptions {
  lateSubscriberCheck?: boolean;
  note?: string;
  /** Extra events the fault itself sent (copies, poison messages), for the row. */
  extraEvents?: () => number;
  /** Where the subscribers connect (default: the system's broker), e.g. a second broker sharing its Redis. */
  watchUrl?: string;
}

/**
 * Fault injection against the real processes: a steady stream of status changes for many orders,
 * watched by wildcard admin subscribers and per-order customer subscribers; a fault is injected
 * once 40% of the stream is done; then stored state and what every subscriber ended on are
 * checked. "lost" = (subscriber, order) pairs that never reached the stored final version and
 * status; "regressions" = messages with a version LOWER than one the same subscriber had already
 * seen for that order (equal versions are duplicates, tolerated).
 */
export function createFaultRunner(options: FaultRunnerOptions) {
  const { system, namespace, tokens, orders, adminToken, rows } = options;
  const ordersPerFault = options.ordersPerFault ?? 200;
  const customerSubscribers = options.customerSubscribers ?? 20;
  const convergeMs = options.convergeMs ?? 30_000;

  /** Creates the orders and connects their subscribers: two wildcard admins plus per-order customers. */
  async function prepare(fault: string, watchUrl: string) {
    const created = await pool(
      Array.from({ length: ordersPerFault }, (_, i) => i),
      16,
      async (i) => {
        const res = await orders.createOrder();
        if (res.status !== 201) throw new Error(`create order ${i}: ${res.status}`);
        return res.body;
      },
    );
    const ids = created.map((o) => o.id);
    const label = fault.replace(/[^a-z0-9]+/gi, '-').slice(0, 24);
    const subscribers: StatusSubscriber[] = [];
    for (let a = 0; a < 2; a += 1) {
      subscribers.push(
        await StatusSubscriber.connect(
          `admin-${a}`,
          watchUrl,
          ['orders/+/status'],
          { clientId: `fault-admin-${label}-${a}-${namespace}`, username: 'admin', password: adminToken },
          ids,
        ),
      );
    }
    const customers = await pool(created.slice(0, customerSubscribers), 8, async (o) =>
      StatusSubscriber.connect(`customer-${o.id.slice(0, 8)}`, watchUrl, [topics.orderStatus(o.id)], {
        clientId: `fault-cust-${o.id}`,
        username: 'customer',
        password: await tokens.customer(o.id),
      }),
    );
    // Aedes streams the retained copies after SUBACK; wait for them, so a retained v1 cannot
    // race a live v2 (that would be a subscription artefact, not the fault under test).
    for (const sub of [...subscribers, ...customers]) {
      const mine = sub.name.startsWith('admin') ? ids : [created[customers.indexOf(sub)]!.id];
      const ready = await sub.until(() => mine.every((id) => (sub.view(id)?.highest ?? 0) >= 1), 10_000);
      if (!ready) throw new Error(`${sub.name}: the retained initial states did not arrive`);
    }
    return { created, subscribers, customers };
  }

  /**
   * Drives the stream, calls `inject` once 40% of it is done, finishes the stream, then checks
   * stored state and every subscriber. `inject` may resolve with when (performance.now()) what it
   * took away answered again, for the row's "next update after it answered again". Resolves with
   * the row (already added to `rows`) and the driver, whose stats say what the PATCHes met.
   */
  async function runFault(fault: string, inject: (driver: StreamDriver) => Promise<number | void>, faultOptions: FaultOptions = {}) {
    const watchUrl = faultOptions.watchUrl ?? system.urls.mqtt;
    const { created, subscribers, customers } = await prepare(fault, watchUrl);
    try {
      const driver = new StreamDriver(orders, created, { ratePerSecond: options.ratePerSecond ?? 150 });
      const running = driver.run(120_000);
      await Promise.race([driver.reached(0.4), running]);
      const faultAt = performance.now();
      const answeredAt = await inject(driver);
      await running;

      // Stored state: the path walked exactly, every 200 PATCH at the version it returned.
      const stored = await pool(driver.orders, 16, (o) => getOrderEventually(orders, o.id));
      const storedProblems: string[] = [];
      driver.orders.forEach((o, i) => {
        const s = stored[i]!;
        const history = s.history.map((h) => h.status).join('>');
        if (history !== ['pending', ...o.path].join('>')) storedProblems.push(`${o.id}: history ${history}`);
        if (s.version !== o.path.length + 1) storedProblems.push(`${o.id}: version ${s.version}`);
        for (const ack of o.acknowledged)
          if (s.history[ack.version - 1]?.status !== ack.status) storedProblems.push(`${o.id}: answered ${ack.status} at v${ack.version}, lost`);
      });

      const expected: Expected[] = stored.map((s) => ({ orderId: s.id, version: s.version, status: s.status }));
      const byId = new Map(expected.map((e) => [e.orderId, e]));
      const result = await checkSubscribers(
        [
          ...subscribers.map((subscriber) => ({ subscriber, orders: expected })),
          ...customers.map((c, i) => ({ subscriber: c, orders: [byId.get(created[i]!.id)!] })),
        ],
        convergeMs,
      );
      // Only now: updates held back by the fault may arrive after the stream's last PATCH.
      const stallMs = subscribers[0]!.longestGapSince(faultAt);
      const nextUpdateAt = typeof answeredAt === 'number' ? subscribers[0]!.firstArrivalAfter(answeredAt) : undefined;
      // A subscriber that connects only now gets every order's final state, retained.
      if (faultOptions.lateSubscriberCheck !== false) {
        const late = await StatusSubscriber.connect(
          'late',
          watchUrl,
          ['orders/+/status'],
          { clientId: `fault-late-${namespace}`, username: 'admin', password: adminToken },
          created.map((o) => o.id),
        );
        const lateResult = await checkSubscribers([{ subscriber: late, orders: expected }], 10_000).finally(() => late.close());
        result.lost.push(...lateResult.lost);
        result.regressions.push(...lateResult.regressions);
      }
      const row: FaultRow = {
        fault,
        events: stored.reduce((n, s) => n + s.version, 0) + (faultOptions.extraEvents?.() ?? 0),
        orders: created.length,
        lost: result.lost.length + storedProblems.length,
        regressions: result.regressions.length,
        stallMs,
        ...(nextUpdateAt !== undefined ? { resumedMs: Math.round(nextUpdateAt - (answeredAt as number)) } : {}),
        ...(faultOptions.note ? { note: faultOptions.note } : {}),
      };
      rows.push(row);
      process.stdout.write(`${fault}: ${JSON.stringify(driver.stats)}; pairs ${result.pairs}, duplicates ${result.duplicates}\n`);
      return { row, driver, storedProblems, lost: result.lost, regressions: result.regressions };
    } finally {
      await Promise.all([...subscribers, ...customers].map((s) => s.close()));
    }
  }

  return { runFault };
}
