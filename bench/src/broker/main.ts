/**
 * Broker benchmark: our broker (Aedes + auth hooks, `broker/dist/main.js`) against Mosquitto, over
 * TCP and WebSocket, QoS 0 and 1, 1:1 over many order topics and fan-out of one topic.
 *
 *   npm run build && npm run bench:broker -w bench
 *   BENCH_QUICK=1                       ~1 minute version (shorter runs, fewer idle connections)
 *   BENCH_SCENARIOS=ws-qos0-1to1,...    only these scenarios (<tcp|ws>-qos<0|1>-<1to1|fanout100|fanout1000>)
 *   BENCH_SYSTEMS=ours|mosquitto        only these systems
 *   BENCH_REPEAT=3                      repeat every run, report medians (runs alternate between the systems)
 *   BENCH_DURATION_MS / BENCH_WARMUP_MS measured / warm-up publishing time per run
 *   BENCH_RATE_SCALE=0.5                scale every publish rate (default 1: 10,000 deliveries/s per scenario)
 *   BENCH_PACING=timer|sleep            publisher pacing: what is due about every 1 ms (default), or each send on time
 *   BENCH_SUBSCRIBER_PROCESSES=1        generator processes holding the subscribers
 *   BENCH_WS_WRITES=joined|stock        WebSocket client writes (joined = one frame per tick, as browsers)
 *   BENCH_BROKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"   extra node args for our broker
 *   BENCH_BROKER_REDIS_URL=redis://127.0.0.1:6379   our broker with its state on Redis (a namespace of its own), as when scaled out
 *   BENCH_RESULTS_NAME=broker           results file name (bench/results/<name>.json|.svg|.md)
 *
 * Latency = receive time − scheduled send time (open loop, no coordinated omission). Broker CPU
 * comes from /proc of the broker process; the broker runs on cpu 0, generators on cpu 1.
 */
import path from 'node:path';
import { canPin, GeneratorPool, pinProcess, type BenchRow, type LatencyRecorder } from '../lib/index.js';
import { GeneratorClients } from './generator-clients.js';
import { rssPerIdleConnection } from './idle-rss.js';
import type { Transport } from './protocol.js';
import { loadAverage, reportResults } from './report.js';
import { ScenarioRunner, type RunResult } from './run-scenario.js';
import { mergedHistogram, scenarioLine, scenarioNotes, scenarioRow } from './scenario-summary.js';
import { QOS_LEVELS, scenarioName, settings, SHAPES, TRANSPORTS, wanted } from './settings.js';
import { BROKER_CPU, randomSecret, startOurBroker, startOwnMosquitto, systemMosquittoTcp, type SystemName, type Target } from './targets.js';

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
  const clients = new GeneratorClients(pool, jwtSecret);
  const runNotes: string[] = [];
  const runner = new ScenarioRunner(clients, runNotes);
  const rows: BenchRow[] = [];
  const histograms: Record<string, LatencyRecorder> = {};
  const load = loadAverage();
  console.log(
    `broker bench: ${settings.durationMs} ms runs (+${settings.warmupMs} ms warm-up), repeat ${settings.repeat}, ws client writes ${settings.wsWrites}, ` +
      `${pinned ? `broker on cpu ${BROKER_CPU}, generators on cpu 1` : 'not pinned (no taskset or one cpu)'}; load average ${load}`,
  );
  const active = new Set<Target>();
  try {
    // Transport by transport, both systems up at once, and each shape's runs alternating between
    // them (ours, Mosquitto; then Mosquitto, ours; …): the two figures a ratio compares are taken
    // minutes apart at most, not a whole half of the bench apart, so a drift of this VM's speed
    // weighs on both alike.
    for (const transport of TRANSPORTS) {
      const shapes = SHAPES.filter((shape) => QOS_LEVELS.some((qos) => wanted(transport, qos, shape.name)));
      if (shapes.length === 0) continue;
      const targets = new Map<SystemName, { target: Target; rss: number }>();
      for (const system of settings.systems) {
        const target = await startTarget(system, transport, jwtSecret);
        active.add(target);
        console.log(`\n${system} over ${transport}: ${target.describe}`);
        const rss = await rssPerIdleConnection(clients, target, settings.idleConnections);
        console.log(
          `  RSS per idle subscribed connection: ${(rss / 1024).toFixed(1)} KiB (marginal, connections ${settings.idleConnections} → ${2 * settings.idleConnections})`,
        );
        targets.set(system, { target, rss });
      }
      for (const shape of shapes) {
        const qosLevels = QOS_LEVELS.filter((qos) => wanted(transport, qos, shape.name));
        const runs = new Map<string, RunResult[]>();
        for (let round = 0; round < settings.repeat; round++) {
          const order = round % 2 === 0 ? settings.systems : [...settings.systems].reverse();
          for (const system of order) {
            const results = await runner.runShape(targets.get(system)!.target, shape, qosLevels, 1);
            for (const [qos, [run]] of results) {
              const key = `${system} ${qos}`;
              runs.set(key, [...(runs.get(key) ?? []), run!]);
            }
          }
        }
        for (const system of settings.systems) {
          for (const qos of qosLevels) {
            const scenario = scenarioName(transport, qos, shape.name);
            const systemRuns = runs.get(`${system} ${qos}`) ?? [];
            histograms[`${scenario} ${system}`] = mergedHistogram(systemRuns);
            const row = scenarioRow(scenario, system, systemRuns, targets.get(system)!.rss);
            runNotes.push(...scenarioNotes(scenario, system, systemRuns));
            rows.push(row);
            console.log(`${system.padEnd(10)}${scenarioLine(row)}`);
          }
        }
      }
      for (const { target } of targets.values()) {
        await target.stop();
        active.delete(target);
      }
    }
  } finally {
    for (const target of active) await target.stop().catch(() => undefined);
    await pool.close();
  }
  reportResults({ rows, histograms, runNotes, pinned, load, started });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
