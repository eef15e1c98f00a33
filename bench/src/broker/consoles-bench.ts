/**
 * What the admin consoles cost the broker. A console subscribes to every order's feed
 * (`admin/orders`), so each change the notifier publishes is one more delivery per open console,
 * and at QoS 1 one more PUBACK for the broker to read. Here our broker (pinned to one core, as in
 * the broker bench) gets the notifier's feed messages at a steady rate, with no console, with
 * consoles subscribed at QoS 1, and at QoS 0 (what the console asks for since the ninth round);
 * runs of the variants alternate, and every build named in BENCH_CONSOLES_BUILDS runs in the same
 * rotation, so a before/after comparison is taken in one run.
 *
 *   npm run build && npm run bench:consoles -w bench
 *   BENCH_CONSOLES_RATES=100,1000   feed messages per second
 *   BENCH_CONSOLES=3                admin consoles (mqtt.js over WebSocket, clean sessions, as the page)
 *   BENCH_REPEAT=3                  runs per variant
 *   BENCH_CONSOLES_BUILDS=before=/tmp/old/broker/dist/main.js   more builds (label=main.js, comma-separated)
 *
 * CPU is the broker process's user + system time over the measured window, from /proc.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { createTokenService } from '@orderpulse/service-kit';
import type { TokenClaims } from '@orderpulse/contracts';
import { median, printTable, readProcessCpu, writeResults, type BenchRow } from '../lib/index.js';
import { machineLine, writeMarkdown } from '../system/report.js';
import { envNumber, envNumbers, QUICK } from '../system/settings.js';
import { OUR_BROKER_MAIN, startOurBroker } from './targets.js';

const RATES = envNumbers('BENCH_CONSOLES_RATES', [100, 1_000]);
const CONSOLES = envNumber('BENCH_CONSOLES', 3);
const REPEAT = envNumber('BENCH_REPEAT', QUICK ? 1 : 3);
const WARMUP_MS = QUICK ? 1_000 : 3_000;
/** Long enough at low rates for a few hundred messages. */
const measuredMs = (rate: number) => (QUICK ? 4_000 : rate < 500 ? 20_000 : 10_000);
const SECRET = 'consoles-bench-secret-0123456789-abcdefghij';
const ORDER_ID = '6f0e2a8c-4d1b-4c59-9a6e-0f4a1d2b3c4d';

interface Build {
  label: string;
  main: string;
}

function builds(): Build[] {
  const extra = (process.env.BENCH_CONSOLES_BUILDS ?? '')
    .split(',')
    .filter(Boolean)
    .map((entry) => {
      const [label, main] = entry.split('=');
      if (!label || !main) throw new Error(`BENCH_CONSOLES_BUILDS: "${entry}" is not label=path/to/main.js`);
      return { label, main: path.resolve(main) };
    });
  return [{ label: 'this build', main: OUR_BROKER_MAIN }, ...extra];
}

const VARIANTS = [
  { name: 'no console', consoles: 0, qos: 0 },
  { name: 'QoS 1', consoles: CONSOLES, qos: 1 },
  { name: 'QoS 0', consoles: CONSOLES, qos: 0 },
] as const;
type Variant = (typeof VARIANTS)[number];

/** An admin feed entry of about the size the notifier writes for a status change. */
function feedPayload(): string {
  const at = new Date().toISOString();
  return JSON.stringify({
    type: 'order.status_changed',
    eventId: '3e1d2c4b-5a69-4788-9a0b-1c2d3e4f5a6b',
    orderId: ORDER_ID,
    version: 3,
    occurredAt: at,
    data: { orderId: ORDER_ID, from: 'confirmed', to: 'processing', at, by: 'admin', note: 'Packed and waiting for the courier at the back door' },
    summary: { orderNumber: 'ORD-100234', customerName: 'Customer Name', status: 'processing', totalCents: 7597, itemCount: 3, updatedAt: at },
  });
}

interface Run {
  usPerMessage: number;
  sent: number;
  lost: number;
}

async function runOnce(build: Build, variant: Variant, rate: number): Promise<Run> {
  const tokens = createTokenService(SECRET);
  const broker = await startOurBroker('ws', { jwtSecret: SECRET, nodeArgs: [], main: build.main });
  const url = `ws://${broker.endpoint.host}:${broker.endpoint.port}${broker.endpoint.path}`;
  const clients: MqttClient[] = [];
  const connect = async (claims: TokenClaims, clientId: string): Promise<MqttClient> => {
    const client = mqtt.connect(url, { clientId, username: claims.role, password: await tokens.sign(claims, 3_600), reconnectPeriod: 0, clean: true });
    clients.push(client);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    return client;
  };
  try {
    let received = 0;
    for (let i = 0; i < variant.consoles; i += 1) {
      const adminConsole = await connect({ role: 'admin', sub: 'admin' }, `console-${i}`);
      adminConsole.on('message', () => (received += 1));
      const granted = await adminConsole.subscribeAsync('admin/orders', { qos: variant.qos });
      if (granted.some((g) => g.qos === 128)) throw new Error('admin/orders refused to an admin console');
    }
    const notifier = await connect({ role: 'service', sub: 'notifier' }, 'notifier-consoles-bench');
    const payload = feedPayload();
    const publishFor = async (ms: number): Promise<number> => {
      const start = performance.now();
      let n = 0;
      while (performance.now() - start < ms) {
        const wait = start + (n * 1_000) / rate - performance.now();
        if (wait > 0) await sleep(wait);
        notifier.publish('admin/orders', payload, { qos: 1 });
        n += 1;
      }
      return n;
    };
    const warm = await publishFor(WARMUP_MS);
    const before = readProcessCpu(broker.pid);
    const sent = await publishFor(measuredMs(rate));
    const expected = (warm + sent) * variant.consoles;
    const deadline = Date.now() + 5_000;
    while (received < expected && Date.now() < deadline) await sleep(20);
    const after = readProcessCpu(broker.pid);
    const cpuMs = after.userMs + after.systemMs - before.userMs - before.systemMs;
    return { usPerMessage: (cpuMs * 1_000) / sent, sent, lost: expected - received };
  } finally {
    for (const client of clients) client.end(true);
    await broker.stop();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const all = builds();
  console.log(
    `consoles bench: ${RATES.join(', ')} feed messages/s, ${CONSOLES} consoles, builds ${all.map((b) => b.label).join(', ')}, ${REPEAT} run(s) per variant, alternating`,
  );
  const rows: BenchRow[] = [];
  for (const rate of RATES) {
    const runs = new Map<string, Run[]>();
    for (let r = 0; r < REPEAT; r += 1) {
      for (const build of all) {
        for (const variant of VARIANTS) {
          const run = await runOnce(build, variant, rate);
          const key = `${build.label}|${variant.name}`;
          runs.set(key, [...(runs.get(key) ?? []), run]);
          console.log(`  ${rate}/s, ${build.label}, ${variant.name}: ${run.usPerMessage.toFixed(0)} µs of broker CPU per message, ${run.lost} lost`);
        }
      }
    }
    for (const build of all) {
      const baseline = median(runs.get(`${build.label}|no console`)!.map((run) => run.usPerMessage));
      for (const variant of VARIANTS) {
        const variantRuns = runs.get(`${build.label}|${variant.name}`)!;
        const perMessage = median(variantRuns.map((run) => run.usPerMessage));
        rows.push({
          scenario: `${rate}/s`,
          system: `${build.label}, ${variant.consoles} consoles${variant.consoles ? `, ${variant.name}` : ''}`,
          'broker µs/message': perMessage,
          'runs µs/message': variantRuns.map((run) => run.usPerMessage.toFixed(0)).join(' / '),
          'consoles µs/message': variant.consoles ? perMessage - baseline : 0,
          lost: variantRuns.reduce((sum, run) => sum + run.lost, 0),
        });
      }
    }
  }
  const columns = ['scenario', 'system', 'broker µs/message', 'runs µs/message', 'consoles µs/message', 'lost'];
  printTable(rows, columns);
  const notes = [
    `${QUICK ? 'Quick' : 'Full'} run, ${new Date().toISOString()}, ${machineLine()}; took ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    `Each run starts the broker (pinned to one core, auth on, WebSocket), connects the consoles (role admin, clean sessions) on admin/orders, then a notifier-role client publishes ~${feedPayload().length}-byte feed entries at QoS 1 and the given rate: ${WARMUP_MS / 1_000} s to warm up, then the measured window (${RATES.map((rate) => `${measuredMs(rate) / 1_000} s at ${rate}/s`).join(', ')}).`,
    '"broker µs/message" is the median over the runs of the broker\'s CPU in the window ÷ messages published; "consoles µs/message" that less the same build\'s "no console" median: what the consoles add per change.',
  ];
  const written = writeResults('consoles', { rows, notes, meta: { rates: RATES, consoles: CONSOLES, repeat: REPEAT, builds: all } });
  const md = writeMarkdown(
    'consoles',
    'What the admin consoles cost the broker',
    [`\`npm run bench:consoles -w bench\`${QUICK ? ' (BENCH_QUICK=1)' : ''}. ${notes[0]}`],
    [{ title: 'Broker CPU per feed message', rows, columns }],
    notes.slice(1),
  );
  console.log(`\nwrote ${written.json}, ${md}`);
}

main().catch((err: unknown) => {
  console.error('bench:consoles failed:', err);
  process.exit(1);
});
