/** The capacity bench's restart: the broker SIGKILLed and started again on the same ports, until every client is back. */
import { CpuMeter, LatencyRecorder, nowMs, readProcessCpu, readRssBytes, type BenchRow, type GeneratorPool } from '../lib/index.js';
import { round, sleep } from '../system/settings.js';
import { publishRetained, type BrokerUnderTest } from './broker-under-test.js';
import type { CapacityStatus } from './capacity-child.js';
import { RECONNECT_DEADLINE_MS, RETAINED } from './capacity-settings.js';

export async function measureRestart(
  broker: BrokerUnderTest,
  pool: GeneratorPool,
  allOrderIds: string[],
): Promise<{ restartRows: BenchRow[]; reconnectLatency: LatencyRecorder }> {
  process.stdout.write(`\nkilling the broker (SIGKILL) and starting it again on the same ports\n`);
  const before = await pool.call<CapacityStatus>('status', () => ({ since: 0 }));
  const expected = before.reduce((n, s) => n + s.held, 0);
  const generatorMeters = pool.pids().map((pid) => new CpuMeter(pid));
  generatorMeters.forEach((m) => m.start());
  const killedAt = nowMs();
  await broker.killAndRestart();
  const readyAt = nowMs();
  // As the notifier does when it reconnects: every retained message again, during the storm.
  const republished = RETAINED ? publishRetained(broker.mqttUrl, broker.jwtSecret, allOrderIds) : Promise.resolve(0);
  let statuses: CapacityStatus[];
  let resubscribed: number;
  for (;;) {
    statuses = await pool.call<CapacityStatus>('status', () => ({ since: killedAt }));
    resubscribed = statuses.reduce((n, s) => n + s.subscribedSince, 0);
    if (resubscribed >= expected || nowMs() - killedAt > RECONNECT_DEADLINE_MS) break;
    await sleep(100);
  }
  const republishMs = await republished;
  const allBackAt = Math.max(...statuses.map((s) => s.lastSubackAt));
  // CPU from the kill (generators) or from its start (new broker) until every client was back.
  const restartedBrokerCpu = readProcessCpu(broker.pid());
  const generatorsReconnectMs = generatorMeters.reduce((n, m) => n + m.stop().cpuMs, 0);
  const reconnectLatency = LatencyRecorder.fromJSON(statuses[0]!.sinceLatency);
  for (const s of statuses.slice(1)) reconnectLatency.merge(LatencyRecorder.fromJSON(s.sinceLatency));
  const restartCpu = new CpuMeter(broker.pid());
  restartCpu.start();
  await sleep(2_000);
  const rssAfter = readRssBytes(broker.pid());
  restartCpu.stop();
  const r = reconnectLatency.summary();
  const allBackS = (allBackAt - killedAt) / 1000;
  const restartRows: BenchRow[] = [
    {
      scenario: 'broker SIGKILL + restart',
      system: 'broker',
      subscribers: expected,
      'back (connected + subscribed)': resubscribed,
      'broker down s (kill → ready)': round((readyAt - killedAt) / 1000, 2),
      'all back s (from kill)': resubscribed >= expected ? round(allBackS, 2) : `> ${RECONNECT_DEADLINE_MS / 1000}`,
      'all back s (from ready)': resubscribed >= expected ? round((allBackAt - readyAt) / 1000, 2) : '–',
      'reconnects/s after ready': resubscribed >= expected ? round(expected / ((allBackAt - readyAt) / 1000), 0) : '–',
      'p50 s': round(r.p50 / 1000, 2),
      'p99 s': round(r.p99 / 1000, 2),
      'broker CPU s (start → all back)': round((restartedBrokerCpu.userMs + restartedBrokerCpu.systemMs) / 1000, 2),
      'generators CPU s (kill → all back)': round(generatorsReconnectMs / 1000, 2),
      'retained republished s': RETAINED ? round(republishMs / 1000, 2) : 'off',
      'reconnect attempts': statuses.reduce((n, s) => n + s.reconnectAttempts, 0) - before.reduce((n, s) => n + s.reconnectAttempts, 0),
      'broker RSS MiB after': round(rssAfter / 2 ** 20, 1),
      target: 'all reconnected within 30 s',
      met: resubscribed >= expected && allBackS <= 30 ? 'yes' : 'NO',
    },
  ];
  return { restartRows, reconnectLatency };
}
