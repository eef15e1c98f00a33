import { connect as tcpConnect } from 'node:net';
import mqtt, { MqttClient, type IClientOptions } from 'mqtt';
import type { BrokerTarget, Transport } from './raw-flood.js';

export interface ConnectOutcome {
  /** The CONNACK accepted the connection; `client` is then connected. */
  accepted: boolean;
  /** The CONNACK's refusal code (2 identifier rejected, 3 server unavailable, 4 bad credentials, 5 not authorized). */
  returnCode?: number;
  /** The connection closed before any CONNACK. */
  closedWithoutConnack: boolean;
  client: MqttClient;
}

/**
 * An mqtt.js client from `localAddress` (mqtt.js's own TCP transport cannot bind one, so the
 * stream is built here), with reconnects off: what one attempt gets is what is reported.
 */
export function mqttClientFrom(target: BrokerTarget, transport: Transport, localAddress: string, options: IClientOptions): MqttClient {
  const base: IClientOptions = { reconnectPeriod: 0, connectTimeout: 5_000, ...options };
  if (transport === 'websocket') return mqtt.connect(target.wsUrl, { ...base, wsOptions: { localAddress } });
  return new MqttClient(() => tcpConnect({ host: target.host, port: target.tcpPort, localAddress }), { protocolVersion: 4, ...base });
}

/** One CONNECT attempt; resolves with what the broker answered. */
export function attemptConnect(target: BrokerTarget, transport: Transport, localAddress: string, options: IClientOptions): Promise<ConnectOutcome> {
  const client = mqttClientFrom(target, transport, localAddress, options);
  return new Promise((resolve) => {
    const settle = (outcome: Omit<ConnectOutcome, 'client'>) => {
      client.removeAllListeners('connect');
      client.removeAllListeners('close');
      if (!outcome.accepted) client.end(true);
      resolve({ ...outcome, client });
    };
    client.on('error', (err) => {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'number') settle({ accepted: false, returnCode: code, closedWithoutConnack: false });
    });
    client.once('connect', () => settle({ accepted: true, closedWithoutConnack: false }));
    client.once('close', () => settle({ accepted: false, closedWithoutConnack: true }));
  });
}

/** Runs `fn` over `items`, `limit` at a time, in order of start. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

export interface PublishFloodOutcome {
  /** PUBLISHes the broker acknowledged. */
  acknowledged: number;
  /** From the first PUBLISH to the last PUBACK. */
  durationMs: number;
}

/**
 * Keeps `inFlight` QoS 1 PUBLISHes outstanding (each new one as soon as one is acknowledged)
 * for at least `minMs` and while `keepGoing()`, then waits for the last acknowledgements.
 */
export async function publishFlood(
  client: MqttClient,
  message: (i: number) => { topic: string; payload: string },
  { inFlight = 10, minMs = 1_500, keepGoing = () => false }: { inFlight?: number; minMs?: number; keepGoing?: () => boolean } = {},
): Promise<PublishFloodOutcome> {
  const startedAt = performance.now();
  let next = 0;
  let acknowledged = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() - startedAt < minMs || keepGoing()) {
        const { topic, payload } = message(next++);
        await client.publishAsync(topic, payload, { qos: 1 });
        acknowledged += 1;
      }
    }),
  );
  return { acknowledged, durationMs: performance.now() - startedAt };
}
