/**
 * Broker benchmark: our broker (Aedes + auth hooks, `broker/dist/main.js`) against Mosquitto, over
 * TCP and WebSocket, QoS 0 and 1, 1:1 over many order topics and fan-out of one topic.
 *
 *   npm run build && npm run bench:broker -w bench
 *   BENCH_QUICK=1                       ~1 minute version (shorter runs, fewer idle connections)
 *   BENCH_SCENARIOS=ws-qos0-1to1,...    only these scenarios (<tcp|ws>-qos<0|1>-<1to1|fanout100|fanout1000>)
 *   BENCH_SYSTEMS=ours|mosquitto        only these systems
 *   BENCH_REPEAT=3                      repeat every run, report medians
 *   BENCH_DURATION_MS / BENCH_WARMUP_MS measured / warm-up publishing time per run
 *   BENCH_RATE_SCALE=0.5                scale every publish rate (default 1: 10,000 deliveries/s per scenario)
 *   BENCH_PACING=timer|sleep            publisher pacing: what is due about every 1 ms (default), or each send on time
 *   BENCH_SUBSCRIBER_PROCESSES=1        generator processes holding the subscribers
 *   BENCH_WS_WRITES=joined|stock        WebSocket client writes (joined = one frame per tick, as browsers)
 *   BENCH_BROKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"   extra node args for our broker
 *   BENCH_RESULTS_NAME=broker           results file name (bench/results/<name>.json|.svg|.md)
 *
 * Latency = receive time − scheduled send time (open loop, no coordinated omission). Broker CPU
 * comes from /proc of the broker process; the broker runs on cpu 0, generators on cpu 1.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createTokenService } from '@orderpulse/service-kit';
import {
  canPin,
  CpuMeter,
  GeneratorPool,
  LatencyRecorder,
  markdownTable,
  MAX_SOCKETS_PER_PROCESS,
  pinProcess,
  printTable,
  readRssBytes,
  renderLatencySvg,
  resultsDir,
  writeResults,
  type BenchRow,
} from '../lib/index.js';
import type { ClientSpec, CollectReply, ConnectReply, Endpoint, ProgressReply, PublishReply, QoS, Transport } from './protocol.js';
import { BROKER_CPU, randomSecret, startOurBroker, startOwnMosquitto, systemMosquittoTcp, type SystemName, type Target } from './targets.js';

type ShapeName = '1to1' | 'fanout100' | 'fanout1000';

interface Shape {
  name: ShapeName;
  /** Distinct topics; subscribers are spread evenly over them. */
  topics: number;
  subscribers: number;
  /** Publishes per second (deliveries/s = rate × subscribers per topic). */
  rate: number;
}

/** BENCH_RATE_SCALE multiplies every publish rate (e.g. 0.5 on a busy machine). */
const RATE_SCALE = Number(process.env.BENCH_RATE_SCALE ?? 1);

const SHAPES: Shape[] = [
  { name: '1to1', topics: 200, subscribers: 200, rate: 10_000 * RATE_SCALE },
  { name: 'fanout100', topics: 1, subscribers: 100, rate: 100 * RATE_SCALE },
  { name: 'fanout1000', topics: 1, subscribers: 1000, rate: 10 * RATE_SCALE },
];

const QUICK = process.env.BENCH_QUICK === '1';
const env = process.env;
const settings = {
  durationMs: Number(env.BENCH_DURATION_MS ?? (QUICK ? 1_500 : 7_000)),
  warmupMs: Number(env.BENCH_WARMUP_MS ?? (QUICK ? 500 : 1_000)),
  repeat: Math.max(1, Number(env.BENCH_REPEAT ?? 1)),
  idleConnections: Number(env.BENCH_IDLE_CONNECTIONS ?? (QUICK ? 300 : 1_000)),
  /** One process reads every subscriber socket (fewer wake-ups); more only past MAX_SOCKETS_PER_PROCESS. */
  subscriberProcesses: Math.max(1, Number(env.BENCH_SUBSCRIBER_PROCESSES ?? 1)),
  payloadBytes: 200,
  wsWrites: (env.BENCH_WS_WRITES === 'stock' ? 'stock' : 'joined') as Endpoint['wsWrites'],
  systems: (env.BENCH_SYSTEMS ?? 'ours,mosquitto').split(',').map((s) => s.trim()).filter(Boolean) as SystemName[],
  scenarios: env.BENCH_SCENARIOS ? new Set(env.BENCH_SCENARIOS.split(',').map((s) => s.trim()).filter(Boolean)) : undefined,
  brokerNodeArgs: (env.BENCH_BROKER_NODE_ARGS ?? '').split(' ').filter(Boolean),
  name: env.BENCH_RESULTS_NAME ?? 'broker',
  pacing: (env.BENCH_PACING === 'sleep' ? 'sleep' : 'timer') as 'timer' | 'sleep',
  rateScale: RATE_SCALE,
};

const TRANSPORTS: Transport[] = ['tcp', 'ws'];
const QOS_LEVELS: QoS[] = [0, 1];

function scenarioName(transport: Transport, qos: QoS, shape: ShapeName): string {
  return `${transport}-qos${qos}-${shape}`;
}

function wanted(transport: Transport, qos: QoS, shape: ShapeName): boolean {
  return !settings.scenarios || settings.scenarios.has(scenarioName(transport, qos, shape));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function median(values: number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface RunResult {
  deliveriesPerSecond: number;
  received: number;
  expected: number;
  lost: number;
  outOfOrder: number;
  cpuUsPerDelivery: number;
  userShare: number;
  /** Share of the run the broker's main thread waited for a CPU (contention). */
  brokerWaitPct: number;
  generatorCpuPct: number;
  publisherCpuPct: number;
  maxSendLagMs: number;
  histogram: LatencyRecorder;
}

class Bench {
  private run = 0;
  private readonly tokens;
  private readonly tokenCache = new Map<string, string>();
  readonly notes: string[] = [];

  constructor(
    private readonly pool: GeneratorPool,
    jwtSecret: string,
  ) {
    this.tokens = createTokenService(jwtSecret);
  }

  private get publisherIndex(): number {
    return 0;
  }

  private subscriberIndexes(): number[] {
    return Array.from({ length: this.pool.size - 1 }, (_, i) => i + 1);
  }

  private async customerToken(orderId: string): Promise<string> {
    let token = this.tokenCache.get(orderId);
    if (!token) {
      token = await this.tokens.sign({ role: 'customer', sub: `customer:${orderId}`, orderId }, 24 * 3600);
      this.tokenCache.set(orderId, token);
    }
    return token;
  }

  private async subscriberSpecs(target: Target, topicsOrders: string[], count: number, tag: string): Promise<ClientSpec[]> {
    const specs: ClientSpec[] = [];
    for (let i = 0; i < count; i++) {
      const orderId = topicsOrders[i % topicsOrders.length]!;
      specs.push({
        clientId: `bench-${tag}-${i}`,
        ...(target.auth && { username: 'customer', password: await this.customerToken(orderId) }),
        addressIndex: i,
        topic: `orders/${orderId}/status`,
      });
    }
    return specs;
  }

  private endpoint(target: Target): Endpoint {
    return { ...target.endpoint, wsWrites: settings.wsWrites };
  }

  /** Spreads specs over the subscriber processes and connects them. */
  private async connectSubscribers(target: Target, specs: ClientSpec[]): Promise<void> {
    const subs = this.subscriberIndexes();
    const parts = subs.map(() => [] as ClientSpec[]);
    specs.forEach((spec, i) => parts[i % parts.length]!.push(spec));
    if (parts.some((p) => p.length > MAX_SOCKETS_PER_PROCESS)) throw new Error('too many sockets for one generator process');
    const replies = await Promise.all(
      subs.map((index, i) => this.pool.callOne<ConnectReply>(index, 'connect', { endpoint: this.endpoint(target), clients: parts[i], concurrency: 50 }, 120_000)),
    );
    const refused = replies.reduce((n, r) => n + r.refused, 0);
    if (refused > 0) throw new Error(`${refused} of ${specs.length} subscribers could not connect/subscribe to ${target.describe}`);
  }

  private async connectPublisher(target: Target): Promise<void> {
    const spec: ClientSpec = {
      clientId: `bench-publisher-${this.run}`,
      ...(target.auth && { username: 'service', password: await this.tokens.sign({ role: 'service', sub: 'notifier' }, 24 * 3600) }),
      addressIndex: 249,
    };
    const reply = await this.pool.callOne<ConnectReply>(this.publisherIndex, 'connect', { endpoint: this.endpoint(target), clients: [spec], concurrency: 1 }, 60_000);
    if (reply.connected !== 1) throw new Error(`publisher could not connect to ${target.describe}`);
  }

  private async disconnectAll(): Promise<void> {
    await this.pool.call('disconnect', () => null, 60_000);
  }

  /**
   * Marginal broker RSS per idle subscribed client: connect n clients, read RSS, connect n more,
   * read RSS again; (second − first) / n. The first batch absorbs one-off growth (heap spaces,
   * buffer pools) that would otherwise be counted per connection.
   */
  async rssPerConnection(target: Target, n: number): Promise<number> {
    const orders = Array.from({ length: 2 * n }, () => randomUUID());
    const specs = await this.subscriberSpecs(target, orders, 2 * n, `idle-${target.transport}`);
    await this.connectSubscribers(target, specs.slice(0, n));
    await sleep(1_000);
    const first = readRssBytes(target.pid);
    await this.connectSubscribers(target, specs.slice(n));
    await sleep(1_000);
    const second = readRssBytes(target.pid);
    await this.disconnectAll();
    return (second - first) / n;
  }

  private async totalReceived(): Promise<number> {
    const replies = await this.pool.call<ProgressReply>('progress', () => null, 10_000);
    return replies.reduce((n, r, i) => (i === this.publisherIndex ? n : n + r.received), 0);
  }

  private async waitForDeliveries(expected: number): Promise<void> {
    let last = -1;
    let lastChange = Date.now();
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const received = await this.totalReceived();
      if (received >= expected) return;
      if (received !== last) {
        last = received;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > 5_000) return;
      await sleep(50);
    }
  }

  async runShape(target: Target, shape: Shape, qosLevels: QoS[]): Promise<Map<QoS, RunResult[]>> {
    const orders = Array.from({ length: shape.topics }, () => randomUUID());
    const topics = orders.map((id) => `orders/${id}/status`);
    await this.connectSubscribers(target, await this.subscriberSpecs(target, orders, shape.subscribers, shape.name));
    await this.connectPublisher(target);
    const perTopic = shape.subscribers / shape.topics;
    const results = new Map<QoS, RunResult[]>();
    for (const qos of qosLevels) {
      const runs: RunResult[] = [];
      for (let r = 0; r < settings.repeat; r++) runs.push(await this.runOnce(target, shape, qos, topics, perTopic));
      results.set(qos, runs);
    }
    await this.disconnectAll();
    return results;
  }

  private async runOnce(target: Target, shape: Shape, qos: QoS, topics: string[], perTopic: number): Promise<RunResult> {
    const publish = (run: number, durationMs: number) =>
      this.pool.callOne<PublishReply>(
        this.publisherIndex,
        'publish',
        { run, qos, ratePerSecond: shape.rate, durationMs, topics, payloadBytes: settings.payloadBytes, ackTimeoutMs: 30_000, pacing: settings.pacing },
        durationMs + 60_000,
      );
    // Warm-up (not recorded), then let it drain.
    const warmRun = ++this.run;
    await this.pool.call('arm', () => ({ run: warmRun }));
    let warm = await publish(warmRun, settings.warmupMs);
    if (warm.error) {
      console.log(`  ! publisher ${warm.error}: reconnecting`);
      await this.pool.callOne(this.publisherIndex, 'disconnect', null, 30_000);
      await this.connectPublisher(target);
      warm = await publish(warmRun, settings.warmupMs);
    }
    await this.waitForDeliveries(warm.sent * perTopic);
    await sleep(200);

    const run = ++this.run;
    await this.pool.call('arm', () => ({ run }));
    const brokerCpu = new CpuMeter(target.pid);
    const generatorCpu = this.pool.pids().map((pid) => new CpuMeter(pid));
    brokerCpu.start();
    generatorCpu.forEach((m) => m.start());
    let published = await publish(run, settings.durationMs);
    if (published.error && published.sent === 0) {
      // The publisher lost its connection in an earlier run: connect it again and go on.
      console.log(`  ! publisher ${published.error}: reconnecting`);
      await this.pool.callOne(this.publisherIndex, 'disconnect', null, 30_000);
      await this.connectPublisher(target);
      published = await publish(run, settings.durationMs);
    }
    const expected = published.sent * perTopic;
    await this.waitForDeliveries(expected);
    const cpu = brokerCpu.stop();
    const genCpu = generatorCpu.map((m) => m.stop().cpuMs);
    const genCpuMs = genCpu.reduce((sum, ms) => sum + ms, 0);
    const replies = await this.pool.call<CollectReply>('collect', () => null, 30_000);
    const histogram = new LatencyRecorder();
    let received = 0;
    let outOfOrder = 0;
    replies.forEach((reply, i) => {
      if (i === this.publisherIndex) return;
      received += reply.received;
      outOfOrder += reply.outOfOrder;
      histogram.merge(LatencyRecorder.fromJSON(reply.histogram));
    });
    const clientErrors = replies.reduce((n, r) => n + r.clientErrors, 0);
    const disconnects = replies.reduce((n, r) => n + r.disconnects, 0);
    const problems: string[] = [];
    if (qos === 1 && published.acked < published.sent) problems.push(`${published.sent - published.acked} publishes not acknowledged`);
    if (disconnects > 0) problems.push(`${disconnects} clients disconnected`);
    if (clientErrors > 0) problems.push(`${clientErrors} client errors`);
    if (published.error) problems.push(`publisher: ${published.error}`);
    if (problems.length > 0) {
      const note = `${scenarioName(target.transport, qos, shape.name)} ${target.system}: ${problems.join(', ')}`;
      this.notes.push(note);
      console.log(`  ! ${note}`);
      const output = target.output().trim().split('\n').slice(-5).join('\n    ');
      if (output) console.log(`    broker output:\n    ${output}`);
    }
    return {
      deliveriesPerSecond: received / (settings.durationMs / 1000),
      received,
      expected,
      lost: Math.max(0, expected - received),
      outOfOrder,
      cpuUsPerDelivery: received > 0 ? (cpu.cpuMs * 1000) / received : NaN,
      userShare: cpu.cpuMs > 0 ? cpu.userMs / cpu.cpuMs : NaN,
      brokerWaitPct: (cpu.runQueueWaitMs / cpu.wallMs) * 100,
      generatorCpuPct: (genCpuMs / cpu.wallMs) * 100,
      publisherCpuPct: ((genCpu[this.publisherIndex] ?? NaN) / cpu.wallMs) * 100,
      maxSendLagMs: published.maxSendLagMs,
      histogram,
    };
  }
}

async function startTarget(system: SystemName, transport: Transport, jwtSecret: string): Promise<Target> {
  if (system === 'ours') return startOurBroker(transport, { jwtSecret, nodeArgs: settings.brokerNodeArgs });
  if (transport === 'tcp') return systemMosquittoTcp();
  return startOwnMosquitto('ws');
}

async function main(): Promise<void> {
  const started = Date.now();
  const pinned = canPin();
  if (pinned) pinProcess(process.pid, '1');
  const jwtSecret = randomSecret();
  const pool = await GeneratorPool.start({
    script: path.join(__dirname, 'generator.js'),
    count: 1 + settings.subscriberProcesses,
    ...(pinned && { cpus: '1' }),
  });
  const bench = new Bench(pool, jwtSecret);
  const rows: BenchRow[] = [];
  const histograms: Record<string, LatencyRecorder> = {};
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(
    `broker bench: ${settings.durationMs} ms runs (+${settings.warmupMs} ms warm-up), repeat ${settings.repeat}, ws client writes ${settings.wsWrites}, ` +
      `${pinned ? `broker on cpu ${BROKER_CPU}, generators on cpu 1` : 'not pinned (no taskset or one cpu)'}; load average ${load}`,
  );
  let active: Target | undefined;
  try {
    for (const system of settings.systems) {
      for (const transport of TRANSPORTS) {
        const shapes = SHAPES.filter((shape) => QOS_LEVELS.some((qos) => wanted(transport, qos, shape.name)));
        if (shapes.length === 0) continue;
        const target = await startTarget(system, transport, jwtSecret);
        active = target;
        console.log(`\n${system} over ${transport}: ${target.describe}`);
        const rss = await bench.rssPerConnection(target, settings.idleConnections);
        console.log(`  RSS per idle subscribed connection: ${(rss / 1024).toFixed(1)} KiB (marginal, connections ${settings.idleConnections} → ${2 * settings.idleConnections})`);
        for (const shape of shapes) {
          const qosLevels = QOS_LEVELS.filter((qos) => wanted(transport, qos, shape.name));
          const results = await bench.runShape(target, shape, qosLevels);
          for (const [qos, runs] of results) {
            const scenario = scenarioName(transport, qos, shape.name);
            const merged = new LatencyRecorder();
            runs.forEach((r) => merged.merge(r.histogram));
            histograms[`${scenario} ${system}`] = merged;
            const summaries = runs.map((r) => r.histogram.summary());
            const row: BenchRow = {
              scenario,
              system,
              'deliveries/s': Math.round(median(runs.map((r) => r.deliveriesPerSecond))),
              'p50 ms': median(summaries.map((s) => s.p50)),
              'p99 ms': median(summaries.map((s) => s.p99)),
              'p99.9 ms': median(summaries.map((s) => s.p999)),
              'max ms': median(summaries.map((s) => s.max)),
              'cpu µs/delivery': median(runs.map((r) => r.cpuUsPerDelivery)),
              'user %': Math.round(median(runs.map((r) => r.userShare)) * 100),
              'broker wait %': Math.round(median(runs.map((r) => r.brokerWaitPct))),
              'RSS KiB/conn': rss / 1024,
              lost: runs.reduce((n, r) => n + r.lost, 0),
              'gen cpu %': Math.round(median(runs.map((r) => r.generatorCpuPct))),
              'publisher cpu %': Math.round(median(runs.map((r) => r.publisherCpuPct))),
            };
            const outOfOrder = runs.reduce((n, r) => n + r.outOfOrder, 0);
            if (outOfOrder > 0) bench.notes.push(`${scenario} ${system}: ${outOfOrder} messages out of order or duplicated`);
            const lag = Math.max(...runs.map((r) => r.maxSendLagMs));
            if (lag > 50) bench.notes.push(`${scenario} ${system}: the publisher's event loop was up to ${lag.toFixed(0)} ms late (sends caught up in a burst)`);
            rows.push(row);
            console.log(
              `  ${scenario.padEnd(20)} ${String(row['deliveries/s']).padStart(6)}/s  p50 ${(row['p50 ms'] as number).toFixed(2)}  p99 ${(row['p99 ms'] as number).toFixed(2)}  ` +
                `p99.9 ${(row['p99.9 ms'] as number).toFixed(2)} ms  cpu ${(row['cpu µs/delivery'] as number).toFixed(1)} µs/delivery  lost ${row.lost}  gen cpu ${row['gen cpu %']}% (publisher ${row['publisher cpu %']}%)  broker waited for a cpu ${row['broker wait %']}%`,
            );
          }
        }
        await target.stop();
        active = undefined;
      }
    }
  } finally {
    await active?.stop().catch(() => undefined);
    await pool.close();
  }

  // Ratios ours / mosquitto per scenario.
  for (const row of rows) {
    if (row.system !== 'ours') continue;
    const other = rows.find((r) => r.scenario === row.scenario && r.system === 'mosquitto');
    if (!other) continue;
    row['cpu ×mosq'] = (row['cpu µs/delivery'] as number) / (other['cpu µs/delivery'] as number);
    row['p99 ×mosq'] = (row['p99 ms'] as number) / (other['p99 ms'] as number);
    row['RSS ×mosq'] = (row['RSS KiB/conn'] as number) / (other['RSS KiB/conn'] as number);
  }
  rows.sort((a, b) => a.scenario.localeCompare(b.scenario) || a.system.localeCompare(b.system));
  const columns = ['scenario', 'system', 'deliveries/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'cpu µs/delivery', 'RSS KiB/conn', 'lost', 'cpu ×mosq', 'p99 ×mosq', 'gen cpu %', 'broker wait %'];
  const meta = {
    quick: QUICK,
    ...settings,
    scenarios: settings.scenarios ? [...settings.scenarios] : 'all',
    shapes: SHAPES,
    cpus: availableParallelism(),
    pinned,
    loadAverageAtStart: load,
    loadAverageAtEnd: loadavg().map((l) => l.toFixed(2)).join(' '),
    node: process.version,
    elapsedSeconds: Math.round((Date.now() - started) / 1000),
  };
  const notes = [
    'Latency = receive time − scheduled send time (open-loop publisher, no coordinated omission), merged over subscribers; medians over repeats.',
    'lost = deliveries expected but not received within 5 s after deliveries stopped progressing.',
    'cpu µs/delivery = broker process CPU (user+system, /proc) during the measured run and its drain ÷ messages delivered.',
    `RSS KiB/conn = marginal broker RSS per idle subscribed client: (RSS with ${2 * settings.idleConnections} clients − RSS with ${settings.idleConnections}) ÷ ${settings.idleConnections}.`,
    `ours: broker/dist/main.js with token auth and topic rules on (LOG_LEVEL ${process.env.BENCH_BROKER_LOG_LEVEL ?? 'info'}); mosquitto: anonymous (TCP: the system one on 1883, WebSocket: one started by the bench).`,
    `WebSocket clients: mqtt.js with ${settings.wsWrites === 'joined' ? "each tick's writes joined into one frame (as mqtt.js does in browsers)" : "mqtt.js's stock Node stream (a frame per chunk)"}.`,
    'gen cpu % = load generators (publisher + subscriber processes) CPU ÷ wall time; near 100% means the generator core was saturated.',
    'broker wait % = time the broker was runnable but waiting for its core (/proc/<pid>/schedstat): above a few % something else competed for cpu 0 and the figures are not clean.',
    ...bench.notes,
  ];
  console.log('');
  printTable(rows, columns);
  if (notes.length > 8) console.log(`\n${notes.slice(8).join('\n')}`);
  // Series sorted by scenario then system; one colour per scenario, Mosquitto dashed.
  const sorted: Record<string, LatencyRecorder> = {};
  for (const key of Object.keys(histograms).sort()) sorted[key] = histograms[key]!;
  const svgOptions = { dashed: (name: string) => name.endsWith(' mosquitto'), colourKey: (name: string) => name.split(' ')[0] ?? name };
  const written = writeResults(settings.name, { rows, notes, histograms: sorted, meta, svg: svgOptions });
  // One plot per shape as well: eight curves are readable, twenty-four are not.
  const shapePlots: string[] = [];
  for (const shape of SHAPES) {
    const curves: Record<string, Array<{ percentile: number; ms: number }>> = {};
    for (const [key, recorder] of Object.entries(sorted)) if (key.split(' ')[0]?.endsWith(`-${shape.name}`)) curves[key] = recorder.percentileCurve();
    if (Object.keys(curves).length === 0) continue;
    const file = `${settings.name}-${shape.name}.svg`;
    writeFileSync(path.join(resultsDir(), file), renderLatencySvg(curves, `broker ${shape.name}: latency by percentile (${shape.subscribers} subscribers, ${shape.topics} topic${shape.topics > 1 ? 's' : ''})`, svgOptions));
    shapePlots.push(file);
  }
  const md = [
    `### Broker benchmark${QUICK ? ' (quick)' : ''}`,
    '',
    `${settings.durationMs / 1000} s open-loop runs, ${settings.repeat > 1 ? `median of ${settings.repeat}, ` : ''}broker ${pinned ? `pinned to cpu ${BROKER_CPU}, generators to cpu 1` : 'not pinned'}, ` +
      `load average at start ${load}, Node ${process.version}.`,
    '',
    markdownTable(rows, columns),
    '',
    ...notes.map((n) => `- ${n}`),
    '',
    ...shapePlots.map((file) => `![${file}](${file})`),
    '',
  ].join('\n');
  writeFileSync(path.join(resultsDir(), `${settings.name}.md`), md);
  console.log(`\nwrote ${written.json}, ${written.svg ?? ''}, ${path.join(resultsDir(), `${settings.name}.md`)} (${Math.round((Date.now() - started) / 1000)} s)`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
