import { deleteAmqpNamespace, deleteRedisNamespace, testNamespace, uniqueRedisNamespace } from '@orderpulse/service-kit/testing';
import { DeliveryClient } from '../harness/delivery-client.js';
import { OrdersClient } from '../harness/orders-client.js';
import type { ServiceName } from '../harness/paths.js';
import { startSystem, type RunningSystem } from '../harness/system.js';
import { TestTokens } from '../harness/tokens.js';
import { AbuseRun, type AttackRow } from './attack-run.js';
import { LogMeter } from './log-meter.js';
import { metricSum } from './prometheus.js';
import { abuseTable } from './report.js';

const QUEUES = ['notifier', 'delivery-service.orders', 'orders-service.delivery'];

export interface AbuseSystemOptions {
  amqpUrl: string;
  /** Names the run (AMQP namespace, the printed table). */
  label: string;
  /** Settings that differ from the defaults, per process. */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  /** orders-service counts failed logins and lookups there, under a namespace of the run's own (deleted on stop). */
  redisUrl?: string;
}

/** Every process of the system on free ports, with what an abuse test needs around it. */
export interface AbuseSystem {
  system: RunningSystem;
  log: LogMeter;
  run: AbuseRun;
  tokens: TestTokens;
  adminToken: string;
  orders: OrdersClient;
  deliveries: DeliveryClient;
  /** Orders-service as a stranger calls it (no token). */
  publicOrders: OrdersClient;
  /** The broker's refusals so far for `reason` (mqtt_refusals_total). */
  refusals(reason: string): Promise<number>;
  /** Keeps the row for the table and prints its figures. */
  record(row: AttackRow): void;
  /** Stops everything, cleans up, and prints the table of attacks. */
  stop(): Promise<void>;
}

export async function startAbuseSystem({ amqpUrl, label, env = {}, redisUrl }: AbuseSystemOptions): Promise<AbuseSystem> {
  const namespace = testNamespace(label);
  const redisNamespace = uniqueRedisNamespace(label);
  const log = new LogMeter();
  const withRedis = redisUrl ? { ...env, orders: { ...env.orders, REDIS_URL: redisUrl, REDIS_NAMESPACE: redisNamespace } } : env;
  const system = await startSystem({ amqpUrl, namespace, ports: 'free', logLevel: 'info', onLine: log.record, env: withRedis });
  const tokens = new TestTokens(system.jwtSecret);
  const adminToken = await tokens.admin();
  const orders = new OrdersClient(system.urls.orders, adminToken);
  const deliveries = new DeliveryClient(system.urls.delivery, adminToken);
  const rows: AttackRow[] = [];
  return {
    system,
    log,
    run: new AbuseRun(system, log, { orders, deliveries, adminToken }),
    tokens,
    adminToken,
    orders,
    deliveries,
    publicOrders: new OrdersClient(system.urls.orders),
    refusals: (reason) => metricSum(system.urls.metrics.broker, 'mqtt_refusals_total', { reason }),
    record(row) {
      rows.push(row);
      const { publishedTopics: _topics, expected: _expected, systemRetained: _retained, attackLines: _lines, ...figures } = row;
      process.stdout.write(`${row.attack}: ${JSON.stringify({ ...figures, latenciesMs: row.latenciesMs.map((ms) => Math.round(ms)) })}\n`);
    },
    async stop() {
      await system.stop();
      await deleteAmqpNamespace(amqpUrl, namespace, QUEUES);
      if (redisUrl) await deleteRedisNamespace(redisUrl, redisNamespace);
      if (rows.length) process.stdout.write(`\nAbuse (${label}): attacks tried\n${abuseTable(rows)}\n`);
    },
  };
}
