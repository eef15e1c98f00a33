/** The capacity bench's ramp (connect up to each step, RSS and CPU per connection) and the idle cost of holding them. */
import { CpuMeter, LatencyRecorder, nowMs, readRssBytes, type BenchRow, type GeneratorPool } from '../lib/index.js';
import { round, sleep } from '../system/settings.js';
import { openFiles, type BrokerUnderTest } from './broker-under-test.js';
import type { CapacityConnectReply, CapacityConnectRequest } from './capacity-child.js';
import { CONNECT_CONCURRENCY, HOLD_MS, KEEPALIVE_S, PER_GENERATOR, RECONNECT_MAX_MS, RECONNECT_MIN_MS, STEPS } from './capacity-settings.js';

export interface Ramp {
  rampRows: BenchRow[];
  /** connect → SUBACK over the whole ramp. */
  rampLatency: LatencyRecorder;
  /** Clients connected and subscribed at the end. */
  holding: number;
}

/** Connects clients up to each step in STEPS, spread over the generators; a row per step. */
export async function rampUp(broker: BrokerUnderTest, pool: GeneratorPool, generators: number, baselineRss: number): Promise<Ramp> {
  const rampRows: BenchRow[] = [];
  const rampLatency = new LatencyRecorder();
  let holding = 0;
  for (const step of STEPS) {
    const share = (i: number) => Math.floor(step / generators) + (i < step % generators ? 1 : 0);
    const cpu = new CpuMeter(broker.pid());
    cpu.start();
    const generatorCpu = pool.pids().map((pid) => new CpuMeter(pid));
    generatorCpu.forEach((m) => m.start());
    const t0 = nowMs();
    const replies = await pool.call<CapacityConnectReply>(
      'connect',
      (i): CapacityConnectRequest => ({
        url: broker.wsUrl,
        jwtSecret: broker.jwtSecret,
        total: share(i),
        concurrency: CONNECT_CONCURRENCY,
        addressBase: i * PER_GENERATOR,
        reconnectMinMs: RECONNECT_MIN_MS,
        reconnectMaxMs: RECONNECT_MAX_MS,
        keepaliveSeconds: KEEPALIVE_S,
      }),
      600_000,
    );
    const seconds = (nowMs() - t0) / 1000;
    const used = cpu.stop();
    const generatorMs = generatorCpu.reduce((n, m) => n + m.stop().cpuMs, 0);
    const held = replies.reduce((n, r) => n + r.held, 0);
    const added = replies.reduce((n, r) => n + r.connected, 0);
    const failed = replies.reduce((n, r) => n + r.failed, 0);
    for (const r of replies) rampLatency.merge(LatencyRecorder.fromJSON(r.connectLatency));
    await sleep(2_000); // let the broker settle before reading RSS
    const rss = readRssBytes(broker.pid());
    holding = held;
    const latency = LatencyRecorder.fromJSON(replies[0]!.connectLatency);
    for (const r of replies.slice(1)) latency.merge(LatencyRecorder.fromJSON(r.connectLatency));
    const s = latency.summary();
    rampRows.push({
      scenario: `${held} connected`,
      system: 'broker',
      subscribers: held,
      added,
      failed,
      'connect s': round(seconds, 2),
      'connections/s': round(added / seconds, 0),
      'connect→SUBACK p50 ms': round(s.p50, 1),
      'connect→SUBACK p99 ms': round(s.p99, 1),
      'broker CPU ms/connection': added ? round(used.cpuMs / added, 3) : '–',
      'generators CPU ms/connection': added ? round(generatorMs / added, 3) : '–',
      'broker RSS MiB': round(rss / 2 ** 20, 1),
      'KiB/connection': held ? round((rss - baselineRss) / held / 1024, 1) : '–',
      'broker open files': openFiles(broker.pid()),
      target: held >= 15_000 ? '15,000 subscribers at ≤ 40 KiB each' : '',
      met: held >= 15_000 ? (failed === 0 && (rss - baselineRss) / held / 1024 <= 40 ? 'yes' : 'NO') : '',
    });
    process.stdout.write(
      `  ${held} held (+${added} in ${seconds.toFixed(1)} s, ${(added / seconds).toFixed(0)}/s${
        failed
          ? `, ${failed} failed: ${replies
              .flatMap((r) => r.errors)
              .slice(0, 3)
              .join('; ')}`
          : ''
      }), broker RSS ${(rss / 2 ** 20).toFixed(0)} MiB, ${((rss - baselineRss) / held / 1024).toFixed(1)} KiB/connection\n`,
    );
  }
  return { rampRows, rampLatency, holding };
}

/** The idle cost of holding them (keepalive PINGREQ every KEEPALIVE_S per client): CPU and RSS over HOLD_MS. */
export async function holdIdle(broker: BrokerUnderTest, holding: number, baselineRss: number): Promise<BenchRow> {
  const idleCpu = new CpuMeter(broker.pid());
  idleCpu.start();
  await sleep(HOLD_MS);
  const idle = idleCpu.stop();
  const rssHeld = readRssBytes(broker.pid());
  process.stdout.write(
    `  holding ${holding} for ${HOLD_MS / 1000} s: broker ${((idle.cpuMs / idle.wallMs) * 100).toFixed(1)}% of a core, RSS ${(rssHeld / 2 ** 20).toFixed(0)} MiB\n`,
  );
  const idleRow: BenchRow = {
    scenario: `holding ${holding} for ${HOLD_MS / 1000} s`,
    system: 'broker',
    subscribers: holding,
    'broker CPU %': round((idle.cpuMs / idle.wallMs) * 100, 2),
    'broker RSS MiB': round(rssHeld / 2 ** 20, 1),
    'KiB/connection': round((rssHeld - baselineRss) / holding / 1024, 1),
  };
  return idleRow;
}
