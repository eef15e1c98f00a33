/**
 * Generator child for the capacity bench: holds thousands of customer connections (MQTT over
 * WebSocket, one per made-up order id, subscribed to orders/<id>/status) and reports how they
 * connect and, after a broker restart, when each is connected and subscribed again.
 */
import type { MqttClient } from 'mqtt';
import { createTokenService, type TokenService } from '@orderpulse/service-kit';
import { LatencyRecorder, localAddress, nowMs, serveGenerator } from '../lib/index.js';
import { connectMqttOverWebSocket } from '../system/mqtt-ws.js';
import { mapLimit } from '../system/settings.js';
import { orderIdFor } from './order-ids.js';

export interface CapacityConnectRequest {
  url: string;
  jwtSecret: string;
  /** Connect clients until this child holds this many (from however many it holds now). */
  total: number;
  concurrency: number;
  /** This child's first global client index (for localAddress spreading). */
  addressBase: number;
  /** Each client reconnects after a random period in [min, max] ms (mqtt.js has no jitter option; a per-client period spreads the herd). */
  reconnectMinMs: number;
  reconnectMaxMs: number;
  keepaliveSeconds: number;
}

export interface CapacityConnectReply {
  held: number;
  connected: number;
  failed: number;
  errors: string[];
  /** Start of the first CONNECT to the last SUBACK of this call, in this child (nowMs). */
  firstStart: number;
  lastSubscribed: number;
  /** Per-client time from opening the WebSocket to its SUBACK. */
  connectLatency: ReturnType<LatencyRecorder['toJSON']>;
}

export interface CapacityStatus {
  held: number;
  connected: number;
  /** Clients whose latest SUBACK came after `since`. */
  subscribedSince: number;
  lastSubackAt: number;
  /** Per-client time from `since` to the SUBACK after it (only clients that have one). */
  sinceLatency: ReturnType<LatencyRecorder['toJSON']>;
  reconnectAttempts: number;
}

interface Held {
  client: MqttClient;
  topic: string;
  lastSubackAt: number;
}

const held: Held[] = [];
let tokens: TokenService | undefined;
let reconnectAttempts = 0;

function subscribe(entry: Held): Promise<void> {
  return entry.client.subscribeAsync(entry.topic, { qos: 1 }).then((granted) => {
    if (granted.some((g) => g.qos === 128)) throw new Error(`subscription to ${entry.topic} refused`);
    entry.lastSubackAt = nowMs();
  });
}

async function connectOne(request: CapacityConnectRequest, index: number, latency: LatencyRecorder): Promise<void> {
  tokens ??= createTokenService(request.jwtSecret);
  const orderId = orderIdFor(request.addressBase + index);
  const password = await tokens.sign({ role: 'customer', sub: `customer:${orderId}`, orderId }, 6 * 3_600);
  const started = nowMs();
  const client = connectMqttOverWebSocket(request.url, {
    username: 'customer',
    password,
    clientId: `cap-${process.pid}-${index}`,
    clean: true,
    protocolVersion: 4,
    keepalive: request.keepaliveSeconds,
    reconnectPeriod: Math.round(request.reconnectMinMs + Math.random() * (request.reconnectMaxMs - request.reconnectMinMs)),
    connectTimeout: 30_000,
    // Resubscribed by hand on every CONNACK below, so the SUBACK time is known.
    resubscribe: false,
    localAddress: localAddress(request.addressBase + index),
  });
  const entry: Held = { client, topic: `orders/${orderId}/status`, lastSubackAt: 0 };
  client.on('error', () => undefined);
  client.on('reconnect', () => (reconnectAttempts += 1));
  await new Promise<void>((resolve, reject) => {
    let first = true;
    client.on('connect', () => {
      const subscribed = subscribe(entry);
      if (!first) {
        subscribed.catch(() => undefined);
        return;
      }
      first = false;
      subscribed.then(resolve, reject);
    });
    client.once('error', (err) => {
      if (first) reject(err);
    });
    setTimeout(() => {
      if (first) reject(new Error('no CONNACK/SUBACK in 60 s'));
    }, 60_000).unref();
  }).catch((err: unknown) => {
    client.end(true);
    throw err;
  });
  latency.record(entry.lastSubackAt - started);
  held.push(entry);
}

async function connect(request: CapacityConnectRequest): Promise<CapacityConnectReply> {
  const from = held.length;
  const indexes = Array.from({ length: Math.max(0, request.total - from) }, (_, i) => from + i);
  const latency = new LatencyRecorder();
  const errors: string[] = [];
  let failed = 0;
  const firstStart = nowMs();
  await mapLimit(indexes, request.concurrency, async (index) => {
    try {
      await connectOne(request, index, latency);
    } catch (err) {
      failed += 1;
      if (errors.length < 5) errors.push((err as Error).message);
    }
  });
  const lastSubscribed = held.reduce((max, h) => Math.max(max, h.lastSubackAt), 0);
  return { held: held.length, connected: indexes.length - failed, failed, errors, firstStart, lastSubscribed, connectLatency: latency.toJSON() };
}

function status({ since }: { since: number }): CapacityStatus {
  const latency = new LatencyRecorder();
  let subscribedSince = 0;
  let connected = 0;
  let lastSubackAt = 0;
  for (const h of held) {
    if (h.client.connected) connected += 1;
    if (h.lastSubackAt > since) {
      subscribedSince += 1;
      latency.record(h.lastSubackAt - since);
    }
    lastSubackAt = Math.max(lastSubackAt, h.lastSubackAt);
  }
  return { held: held.length, connected, subscribedSince, lastSubackAt, sinceLatency: latency.toJSON(), reconnectAttempts };
}

async function closeAll(): Promise<number> {
  const n = held.length;
  await mapLimit(held.splice(0), 500, (h) => h.client.endAsync(true).catch(() => undefined));
  return n;
}

serveGenerator({ connect, status, close: closeAll }, async () => {
  await closeAll();
});
