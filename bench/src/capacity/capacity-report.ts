/** The capacity bench's report: ramp, holding and restart tables, printed and written to bench/results. */
import { printTable, writeResults, type BenchRow, type LatencyRecorder } from '../lib/index.js';
import { machineLine, writeMarkdown } from '../system/report.js';
import { QUICK } from '../system/settings.js';
import { CONNECT_CONCURRENCY, KEEPALIVE_S, PER_GENERATOR, RECONNECT_MAX_MS, RECONNECT_MIN_MS, RETAINED, STEPS } from './capacity-settings.js';

export interface CapacityResults {
  rampRows: BenchRow[];
  idleRow: BenchRow;
  restartRows: BenchRow[];
  histograms: Record<string, LatencyRecorder>;
}

export function reportCapacity(
  { rampRows, idleRow, restartRows, histograms }: CapacityResults,
  run: { started: number; generators: number; baselineRss: number; allOrderIds: string[] },
): void {
  const { started, generators, baselineRss, allOrderIds } = run;
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
  const meta = {
    quick: QUICK,
    retained: RETAINED,
    steps: STEPS,
    generators,
    perGenerator: PER_GENERATOR,
    baselineRssMiB: baselineRss / 2 ** 20,
    idle: idleRow,
    restart: restartRows,
  };
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
}
