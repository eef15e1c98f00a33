/** Broker bench settings: the traffic shapes, the BENCH_* env overrides and the scenario filter. */
import type { Endpoint, QoS, Transport } from './protocol.js';
import type { SystemName } from './targets.js';

export type ShapeName = '1to1' | 'fanout100' | 'fanout1000';

export interface Shape {
  name: ShapeName;
  /** Distinct topics; subscribers are spread evenly over them. */
  topics: number;
  subscribers: number;
  /** Publishes per second (deliveries/s = rate × subscribers per topic). */
  rate: number;
}

/** BENCH_RATE_SCALE multiplies every publish rate (e.g. 0.5 on a busy machine). */
const RATE_SCALE = Number(process.env.BENCH_RATE_SCALE ?? 1);

export const SHAPES: Shape[] = [
  { name: '1to1', topics: 200, subscribers: 200, rate: 10_000 * RATE_SCALE },
  { name: 'fanout100', topics: 1, subscribers: 100, rate: 100 * RATE_SCALE },
  { name: 'fanout1000', topics: 1, subscribers: 1000, rate: 10 * RATE_SCALE },
];

// Only exactly '1', unlike system/settings.ts's QUICK (which also takes true/yes).
export const QUICK = process.env.BENCH_QUICK === '1';
const env = process.env;
export const settings = {
  durationMs: Number(env.BENCH_DURATION_MS ?? (QUICK ? 1_500 : 7_000)),
  warmupMs: Number(env.BENCH_WARMUP_MS ?? (QUICK ? 500 : 1_000)),
  repeat: Math.max(1, Number(env.BENCH_REPEAT ?? 1)),
  idleConnections: Number(env.BENCH_IDLE_CONNECTIONS ?? (QUICK ? 300 : 1_000)),
  /** One process reads every subscriber socket (fewer wake-ups); more only past MAX_SOCKETS_PER_PROCESS. */
  subscriberProcesses: Math.max(1, Number(env.BENCH_SUBSCRIBER_PROCESSES ?? 1)),
  payloadBytes: 200,
  wsWrites: (env.BENCH_WS_WRITES === 'stock' ? 'stock' : 'joined') as Endpoint['wsWrites'],
  systems: (env.BENCH_SYSTEMS ?? 'ours,mosquitto')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean) as SystemName[],
  scenarios: env.BENCH_SCENARIOS
    ? new Set(
        env.BENCH_SCENARIOS.split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
    : undefined,
  brokerNodeArgs: (env.BENCH_BROKER_NODE_ARGS ?? '').split(' ').filter(Boolean),
  name: env.BENCH_RESULTS_NAME ?? 'broker',
  pacing: (env.BENCH_PACING === 'sleep' ? 'sleep' : 'timer') as 'timer' | 'sleep',
  rateScale: RATE_SCALE,
};

export const TRANSPORTS: Transport[] = ['tcp', 'ws'];
export const QOS_LEVELS: QoS[] = [0, 1];

export function scenarioName(transport: Transport, qos: QoS, shape: ShapeName): string {
  return `${transport}-qos${qos}-${shape}`;
}

/** Whether BENCH_SCENARIOS (when set) includes this scenario. */
export function wanted(transport: Transport, qos: QoS, shape: ShapeName): boolean {
  return !settings.scenarios || settings.scenarios.has(scenarioName(transport, qos, shape));
}
