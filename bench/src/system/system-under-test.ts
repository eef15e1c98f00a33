import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deleteAmqpNamespace, testNamespace } from '@orderpulse/service-kit/testing';
import { startSystem, TestTokens, type RunningSystem, type ServiceName } from '@orderpulse/e2e/harness';
import { killOnExit } from '../lib/index.js';
import { profiledServices, profileEnvFor } from './profiling.js';
import { deleteNamespaceOnExit, killChildProcessesOnExit, removeDirOnExit } from './cleanup.js';
import { AMQP_URL } from './settings.js';
import type { BenchStore } from './bench-store.js';
import { findRabbitMqPid } from './server-processes.js';

/** BENCH_PROFILE=orders,notifier,…: those services write CPU profiles (see profiling.ts). */
function profileEnv(): Partial<Record<ServiceName, Record<string, string>>> | undefined {
  const entries = profiledServices()
    .map((name) => [name, profileEnvFor(name)] as const)
    .filter((e): e is readonly [string, Record<string, string>] => e[1] !== undefined);
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/** Every consumer queue the full system declares (deleted with the namespace). */
const QUEUES = ['notifier', 'delivery-service.orders', 'orders-service.delivery'];

export interface SystemUnderTest {
  system: RunningSystem;
  namespace: string;
  tokens: TestTokens;
  adminToken: string;
  /** pid per server process (broker, orders, delivery, notifier, web) and RabbitMQ's VM when found. */
  pids(): Record<string, number | undefined>;
  /** Throws (with its last log lines) if a service process exited while the bench ran. */
  assertAlive(): void;
  /** Lines at warn level or above each service wrote, for the report. */
  complaints(): Record<string, { count: number; last: string[] }>;
  close(): Promise<void>;
}

/**
 * The real system (e2e harness: broker, orders, delivery, notifier, web as child processes on
 * free ports, random JWT secret) in its own AMQP namespace, with logging at `warn` so logging
 * does not dominate. Children, namespace and data dir are cleaned up on exit, Ctrl-C or crash.
 */
export async function startSystemUnderTest(options: {
  prefix: string;
  services?: ServiceName[];
  logLevel?: string;
  /** Extra settings per service (merged over the profiling ones). */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Where orders-service and delivery-service keep data: journal files by default. */
  store?: BenchStore;
}): Promise<SystemUnderTest> {
  const namespace = testNamespace(options.prefix);
  const unregisterKill = killChildProcessesOnExit();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'orderpulse-bench-'));
  const unregisterNamespace = deleteNamespaceOnExit(AMQP_URL, namespace, QUEUES);
  const unregisterDir = removeDirOnExit(dataDir);
  const complaints: Record<string, { count: number; last: string[] }> = {};
  const onLine = (name: string, line: string) => {
    if (!/"level":(40|50|60)|\b(WARN|ERROR|FATAL)\b/.test(line)) return;
    const entry = (complaints[name] ??= { count: 0, last: [] });
    entry.count += 1;
    entry.last.push(line.slice(0, 400));
    if (entry.last.length > 3) entry.last.shift();
  };
  let system: RunningSystem;
  try {
    system = await startSystem({
      amqpUrl: AMQP_URL,
      namespace,
      ports: 'free',
      dataDir,
      ...(options.store?.mongo ? { mongo: options.store.mongo } : {}),
      logLevel: options.logLevel ?? 'warn',
      onLine,
      ...(options.services ? { services: options.services } : {}),
      ...(profileEnv() || options.env ? { env: { ...profileEnv(), ...options.env } } : {}),
    });
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    unregisterDir();
    await deleteAmqpNamespace(AMQP_URL, namespace, QUEUES).catch(() => undefined);
    unregisterNamespace();
    unregisterKill();
    throw err;
  }
  const unkill = [...system.processes.values()].map((p) => killOnExit(p.child));
  let closed = false;
  const deaths: string[] = [];
  for (const [name, p] of system.processes) {
    p.child.once('exit', (code, signal) => {
      if (closed) return;
      const report = `${name} (pid ${p.child.pid}) exited during the bench (${signal ?? `code ${code}`}); its last lines:\n${p.lines.slice(-30).join('\n')}`;
      deaths.push(report);
      process.stderr.write(`\n${report}\n`);
    });
  }
  const rabbitPid = findRabbitMqPid();
  const tokens = new TestTokens(system.jwtSecret);
  const adminToken = await tokens.admin(6 * 3_600);
  return {
    system,
    namespace,
    tokens,
    adminToken,
    pids() {
      const pids: Record<string, number | undefined> = {};
      for (const [name, p] of system.processes) pids[name] = p.child.exitCode === null ? p.child.pid : undefined;
      pids.rabbitmq = rabbitPid;
      if (options.store?.pid) pids.database = options.store.pid;
      return pids;
    },
    complaints: () => complaints,
    assertAlive() {
      if (deaths.length) throw new Error(`a service died: ${deaths[0]}`);
    },
    async close() {
      if (closed) return;
      closed = true;
      await system.stop();
      unkill.forEach((u) => u());
      await deleteAmqpNamespace(AMQP_URL, namespace, QUEUES).catch((err: unknown) =>
        process.stderr.write(`could not delete AMQP namespace ${namespace}: ${(err as Error).message}\n`),
      );
      unregisterNamespace();
      rmSync(dataDir, { recursive: true, force: true });
      unregisterDir();
      unregisterKill();
    },
  };
}
