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
import path from 'node:path';
import { GeneratorPool, readRssBytes, type LatencyRecorder } from '../lib/index.js';
import { killChildProcessesOnExit } from '../system/cleanup.js';
import { QUICK, sleep } from '../system/settings.js';
import { openFiles, publishRetained, startBrokerUnderTest } from './broker-under-test.js';
import { reportCapacity } from './capacity-report.js';
import { PER_GENERATOR, RETAINED, TARGET } from './capacity-settings.js';
import { orderIdFor } from './order-ids.js';
import { holdIdle, rampUp } from './ramp.js';
import { measureRestart } from './restart.js';

async function main(): Promise<void> {
  const started = Date.now();
  const generators = Math.ceil(TARGET / PER_GENERATOR);
  process.stdout.write(
    `orderpulse broker capacity bench (${QUICK ? 'quick' : 'full'}): MQTT over WebSocket subscribers up to ${TARGET} in ${generators} generator processes, then a broker restart\n`,
  );
  const unregisterKill = killChildProcessesOnExit();
  const broker = await startBrokerUnderTest(randomBytes(32).toString('base64url'));
  let pool: GeneratorPool | undefined;
  try {
    pool = await GeneratorPool.start({ script: path.join(__dirname, 'capacity-child.js'), count: generators, execArgv: ['--max-old-space-size=4096'] });
    await sleep(1_000);
    const baselineRss = readRssBytes(broker.pid());
    process.stdout.write(`broker pid ${broker.pid()}, RSS ${(baselineRss / 2 ** 20).toFixed(1)} MiB with no clients, ${openFiles(broker.pid())} open files\n`);

    const finalShare = (i: number) => Math.floor(TARGET / generators) + (i < TARGET % generators ? 1 : 0);
    const allOrderIds = Array.from({ length: generators }, (_, i) => Array.from({ length: finalShare(i) }, (_, j) => orderIdFor(i * PER_GENERATOR + j))).flat();
    if (RETAINED) {
      const ms = await publishRetained(broker.mqttUrl, broker.jwtSecret, allOrderIds);
      process.stdout.write(
        `published ${allOrderIds.length} retained status messages in ${(ms / 1000).toFixed(1)} s; broker RSS ${(readRssBytes(broker.pid()) / 2 ** 20).toFixed(0)} MiB\n`,
      );
    }
    const { rampRows, rampLatency, holding } = await rampUp(broker, pool, generators, baselineRss);
    const idleRow = await holdIdle(broker, holding, baselineRss);
    const { restartRows, reconnectLatency } = await measureRestart(broker, pool, allOrderIds);
    const histograms: Record<string, LatencyRecorder> = {
      'connect → SUBACK during the ramp': rampLatency,
      'kill → connected and subscribed again': reconnectLatency,
    };
    reportCapacity({ rampRows, idleRow, restartRows, histograms }, { started, generators, baselineRss, allOrderIds });
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
