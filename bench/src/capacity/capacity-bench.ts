/**
 * Issue 8 part 4: how many MQTT-over-WebSocket subscribers one broker process holds, the RSS
 * each costs, how fast they connect, and how long all of them take to be connected and
 * subscribed again after the broker is killed and started again on the same ports.
 *
 *   npm run bench:capacity -w bench              ramp to 19,000 (~3 min)
 *   BENCH_QUICK=1 npm run bench:capacity -w bench   ramp to 5,000 (~1 min)
 * Env: BENCH_CAPACITY_STEPS=1000,5000,10000,15000,19000  BENCH_HOLD_S=10  BENCH_RETAINED=1
 */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import mqtt from 'mqtt';
import { createTokenService } from '@orderpulse/service-kit';
import { freePort } from '@orderpulse/service-kit/testing';
import { ENTRY_POINTS, startServiceProcess, type ServiceProcess } from '@orderpulse/e2e/harness';
import {
  CpuMeter,
  GeneratorPool,
  LatencyRecorder,
  MAX_SOCKETS_PER_PROCESS,
  nowMs,
  printTable,
  readProcessCpu,
  readRssBytes,
  writeResults,
  type BenchRow,
} from '../lib/index.js';
import { killChildProcessesOnExit } from '../system/cleanup.js';
import { profileEnvFor } from '../system/profiling.js';
import { machineLine, writeMarkdown } from '../system/report.js';
import { envNumber, envNumbers, mapLimit, QUICK, round, sleep } from '../system/settings.js';
import type { CapacityConnectReply, CapacityConnectRequest, CapacityStatus } from './capacity-child.js';
import { orderIdFor } from './order-ids.js';

const STEPS = envNumbers('BENCH_CAPACITY_STEPS', QUICK ? [1_000, 2_500, 5_000] : [1_000, 5_000, 10_000, 15_000, 19_000]);
const HOLD_MS = envNumber('BENCH_HOLD_S', QUICK ? 5 : 10) * 1000;
const TARGET = Math.max(...STEPS);
/** Sockets per generator process: well under the 20,000-file limit. */
const PER_GENERATOR = Math.min(MAX_SOCKETS_PER_PROCESS, 10_000);
const CONNECT_CONCURRENCY = 200;
const RECONNECT_MIN_MS = 400;
const RECONNECT_MAX_MS = 600;
const KEEPALIVE_S = 60;
const RECONNECT_DEADLINE_MS = 120_000;
/**
 * BENCH_RETAINED=1: every client's topic holds a retained status message, as in the running
 * system (the notifier keeps one per order and publishes them all again when it reconnects
 * after a broker restart). Off by default: the broker alone, as specified.
 */
const RETAINED = /^(1|true|yes)$/i.test(process.env.BENCH_RETAINED ?? '');

/** Publishes a retained status message on each topic, as the notifier (service token) does. */
async function publishRetained(mqttUrl: string, jwtSecret: string, orderIds: string[]): Promise<number> {
  const token = await createTokenService(jwtSecret).sign({ role: 'service', sub: 'notifier' }, 3_600);
  const client = await mqtt.connectAsync(mqttUrl, { username: 'service', password: token, clientId: `bench-notifier-${process.pid}`, reconnectPeriod: 500, connectTimeout: 30_000 });
  const started = nowMs();
  try {
    await mapLimit(orderIds, 500, (orderId, i) =>
      client.publishAsync(
        `orders/${orderId}/status`,
        JSON.stringify({ orderId, orderNumber: `OP-${String(i).padStart(6, '0')}`, status: 'confirmed', trackingNumber: null, version: 2, updatedAt: new Date().toISOString() }),
        { qos: 1, retain: true },
      ),
    );
  } finally {
    await client.endAsync();
  }
  return nowMs() - started;
}

function openFiles(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return NaN;
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const generators = Math.ceil(TARGET / PER_GENERATOR);
  process.stdout.write(
    `orderpulse broker capacity bench (${QUICK ? 'quick' : 'full'}): MQTT over WebSocket subscribers up to ${TARGET} in ${generators} generator processes, then a broker restart\n`,
  );
  const unregisterKill = killChildProcessesOnExit();
  const jwtSecret = randomBytes(32).toString('base64url');
  const ports = { mqtt: await freePort(), ws: await freePort(), http: await freePort() };
  const env = {
    JWT_SECRET: jwtSecret,
    MQTT_PORT: String(ports.mqtt),
    MQTT_WS_PORT: String(ports.ws),
    BROKER_HTTP_PORT: String(ports.http),
    // Not scraped here: any free port, so it never collides with another broker's.
    METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'development',
    ...profileEnvFor('broker'),
  };
  const startBroker = () =>
    startServiceProcess({ name: 'broker', entry: ENTRY_POINTS.broker, env, readyUrl: `http://127.0.0.1:${ports.http}/readyz`, startTimeoutMs: 30_000 });
  const url = `ws://127.0.0.1:${ports.ws}/mqtt`;
  let broker: ServiceProcess = await startBroker();
  let pool: GeneratorPool | undefined;
  try {
    pool = await GeneratorPool.start({ script: path.join(__dirname, 'capacity-child.js'), count: generators, execArgv: ['--max-old-space-size=4096'] });
    await sleep(1_000);
    const brokerPid = () => broker.child.pid!;
    const baselineRss = readRssBytes(brokerPid());
    process.stdout.write(`broker pid ${brokerPid()}, RSS ${(baselineRss / 2 ** 20).toFixed(1)} MiB with no clients, ${openFiles(brokerPid())} open files\n`);

    const mqttUrl = `mqtt://127.0.0.1:${ports.mqtt}`;
    const finalShare = (i: number) => Math.floor(TARGET / generators) + (i < TARGET % generators ? 1 : 0);
    const allOrderIds = Array.from({ length: generators }, (_, i) => Array.from({ length: finalShare(i) }, (_, j) => orderIdFor(i * PER_GENERATOR + j))).flat();
    if (RETAINED) {
      const ms = await publishRetained(mqttUrl, jwtSecret, allOrderIds);
      process.stdout.write(`published ${allOrderIds.length} retained status messages in ${(ms / 1000).toFixed(1)} s; broker RSS ${(readRssBytes(brokerPid()) / 2 ** 20).toFixed(0)} MiB\n`);
    }
    const rampRows: BenchRow[] = [];
    const histograms: Record<string, LatencyRecorder> = {};
    const rampLatency = new LatencyRecorder();
    let holding = 0;
    for (const step of STEPS) {
      const share = (i: number) => Math.floor(step / generators) + (i < step % generators ? 1 : 0);
      const cpu = new CpuMeter(brokerPid());
      cpu.start();
      const generatorCpu = pool.pids().map((pid) => new CpuMeter(pid));
      generatorCpu.forEach((m) => m.start());
      const t0 = nowMs();
      const replies = await pool.call<CapacityConnectReply>(
        'connect',
        (i): CapacityConnectRequest => ({
          url,
          jwtSecret,
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
      const rss = readRssBytes(brokerPid());
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
        'broker open files': openFiles(brokerPid()),
        target: held >= 15_000 ? '15,000 subscribers at ≤ 40 KiB each' : '',
        met: held >= 15_000 ? (failed === 0 && (rss - baselineRss) / held / 1024 <= 40 ? 'yes' : 'NO') : '',
      });
      process.stdout.write(
        `  ${held} held (+${added} in ${seconds.toFixed(1)} s, ${(added / seconds).toFixed(0)}/s${failed ? `, ${failed} failed: ${replies.flatMap((r) => r.errors).slice(0, 3).join('; ')}` : ''}), broker RSS ${(rss / 2 ** 20).toFixed(0)} MiB, ${((rss - baselineRss) / held / 1024).toFixed(1)} KiB/connection\n`,
      );
    }
    histograms['connect → SUBACK during the ramp'] = rampLatency;

    // Idle cost of holding them (keepalive PINGREQ every KEEPALIVE_S per client).
    const idleCpu = new CpuMeter(brokerPid());
    idleCpu.start();
    await sleep(HOLD_MS);
    const idle = idleCpu.stop();
    const rssHeld = readRssBytes(brokerPid());
    process.stdout.write(`  holding ${holding} for ${HOLD_MS / 1000} s: broker ${((idle.cpuMs / idle.wallMs) * 100).toFixed(1)}% of a core, RSS ${(rssHeld / 2 ** 20).toFixed(0)} MiB\n`);

    // ---- restart -------------------------------------------------------------------------------
    process.stdout.write(`\nkilling the broker (SIGKILL) and starting it again on the same ports\n`);
    const before = await pool.call<CapacityStatus>('status', () => ({ since: 0 }));
    const expected = before.reduce((n, s) => n + s.held, 0);
    const generatorMeters = pool.pids().map((pid) => new CpuMeter(pid));
    generatorMeters.forEach((m) => m.start());
    const killedAt = nowMs();
    await broker.stop('SIGKILL');
    broker = await startBroker();
    const readyAt = nowMs();
    // As the notifier does when it reconnects: every retained message again, during the storm.
    const republished = RETAINED ? publishRetained(mqttUrl, jwtSecret, allOrderIds) : Promise.resolve(0);
    let statuses: CapacityStatus[] = [];
    let resubscribed = 0;
    for (;;) {
      statuses = await pool.call<CapacityStatus>('status', () => ({ since: killedAt }));
      resubscribed = statuses.reduce((n, s) => n + s.subscribedSince, 0);
      if (resubscribed >= expected || nowMs() - killedAt > RECONNECT_DEADLINE_MS) break;
      await sleep(100);
    }
    const republishMs = await republished;
    const allBackAt = Math.max(...statuses.map((s) => s.lastSubackAt));
    // CPU from the kill (generators) or from its start (new broker) until every client was back.
    const restartedBrokerCpu = readProcessCpu(brokerPid());
    const generatorsReconnectMs = generatorMeters.reduce((n, m) => n + m.stop().cpuMs, 0);
    const reconnectLatency = LatencyRecorder.fromJSON(statuses[0]!.sinceLatency);
    for (const s of statuses.slice(1)) reconnectLatency.merge(LatencyRecorder.fromJSON(s.sinceLatency));
    histograms['kill → connected and subscribed again'] = reconnectLatency;
    const restartCpu = new CpuMeter(brokerPid());
    restartCpu.start();
    await sleep(2_000);
    const rssAfter = readRssBytes(brokerPid());
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
    const idleRow: BenchRow = {
      scenario: `holding ${holding} for ${HOLD_MS / 1000} s`,
      system: 'broker',
      subscribers: holding,
      'broker CPU %': round((idle.cpuMs / idle.wallMs) * 100, 2),
      'broker RSS MiB': round(rssHeld / 2 ** 20, 1),
      'KiB/connection': round((rssHeld - baselineRss) / holding / 1024, 1),
    };

    const rampColumns = [
      'subscribers',
      'added',
      'failed',
      'connect s',
      'connections/s',
      'connect→SUBACK p50 ms',
      'connect→SUBACK p99 ms',
      'broker CPU ms/connection',
      'generators CPU ms/connection',
      'broker RSS MiB',
      'KiB/connection',
      'broker open files',
      'target',
      'met',
    ];
    const restartColumns = Object.keys(restartRows[0]!).filter((c) => c !== 'system' && c !== 'scenario');
    const idleColumns = Object.keys(idleRow).filter((c) => c !== 'system');
    process.stdout.write('\nramp (one broker process, MQTT over WebSocket, each client subscribed to its own orders/<id>/status)\n');
    printTable(rampRows, rampColumns);
    process.stdout.write('\nholding\n');
    printTable([idleRow], idleColumns);
    process.stdout.write('\nrestart\n');
    printTable(restartRows, restartColumns);

    const notes = [
      `${QUICK ? 'Quick' : 'Full'} run, ${new Date().toISOString()}, ${machineLine()}; took ${((Date.now() - started) / 1000).toFixed(0)} s.`,
      `One broker process (node broker/dist/main.js, LOG_LEVEL=warn, no Redis) started alone; ${generators} generator processes of ≤ ${PER_GENERATOR} connections each (the machine allows 20,000 open files per process, the broker included), client sockets spread over 127.0.0.2–127.0.0.251.`,
      `Each client is a customer: its own token (signed with the broker's JWT_SECRET via service-kit's createTokenService) for a made-up order id, mqtt.js over WebSocket (packets joined into one WebSocket message, as in a browser), clean session, keepalive ${KEEPALIVE_S} s, subscribed to orders/<id>/status at QoS 1. Connect concurrency ${CONNECT_CONCURRENCY} per generator.`,
      `KiB/connection = (broker RSS after the step − RSS with no clients and no retained messages) / connections held; RSS read 2 s after the step.`,
      RETAINED
        ? `BENCH_RETAINED=1: before the ramp, and again right after the restart (as the notifier republishes on reconnect), a service client published one retained status message per client topic (${allOrderIds.length}), so every SUBSCRIBE also delivers a retained message, as in the running system.`
        : `No retained messages (BENCH_RETAINED=1 adds one per client topic, as in the running system; aedes' in-memory store scans every retained message on each SUBSCRIBE, so that run connects much more slowly).`,
      `The generators share the 2 cores with the broker: their CPU per connection (mqtt.js + ws client) is about the broker's, so connect and reconnect rates here are bounded by the machine as much as by the broker; see the CPU columns.`,
      `Restart: SIGKILL, then the same command on the same ports at once. mqtt.js has no reconnect jitter, so each client gets its own fixed reconnectPeriod, uniform in ${RECONNECT_MIN_MS}–${RECONNECT_MAX_MS} ms; clients resubscribe by hand on each CONNACK. "all back" = the last client's SUBACK. The broker keeps retained messages in memory, so with no notifier here nothing is republished after the restart.`,
    ];
    const meta = { quick: QUICK, retained: RETAINED, steps: STEPS, generators, perGenerator: PER_GENERATOR, baselineRssMiB: baselineRss / 2 ** 20, idle: idleRow, restart: restartRows };
    const written = writeResults('capacity', { rows: [...rampRows, idleRow, ...restartRows], notes, histograms, meta });
    const md = writeMarkdown(
      'capacity',
      'Broker capacity: MQTT-over-WebSocket subscribers per broker process',
      [`\`npm run bench:capacity -w bench\`${QUICK ? ' (BENCH_QUICK=1)' : ''}. ${notes[0]}`],
      [
        { title: 'Ramp', rows: rampRows, columns: rampColumns },
        { title: 'Holding them', rows: [idleRow], columns: idleColumns },
        { title: 'Broker killed and restarted', rows: restartRows, columns: restartColumns },
      ],
      notes.slice(1),
    );
    process.stdout.write(`\nwrote ${written.json}, ${written.svg ?? ''}, ${md}\n`);
  } finally {
    await pool?.close(10_000).catch(() => undefined);
    await broker.stop();
    unregisterKill();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:capacity failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
