/**
 * Generator child for the system benchmarks: customers (MQTT over WebSocket, one connection per
 * order, subscribed to orders/<id>/status), admin consoles (admin/orders) and polling customers
 * (GET /orders/:id every few seconds). It records when each (order, version) arrived, on the
 * wall clock shared by every process, and the parent matches that against the PATCHes it sent.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import { BROWSER_KEEPALIVE_SECONDS } from '@orderpulse/contracts';
import type { MqttClient } from 'mqtt';
import { LatencyRecorder, localAddress, nowMs, serveGenerator } from '../lib/index.js';
import { connectMqttOverWebSocket, SocketBytes, untilConnected } from './mqtt-ws.js';
import { mapLimit } from './settings.js';
import { ADMIN_QOS } from './e2e-settings.js';

export interface MqttClientSpec {
  role: 'customer' | 'admin';
  /** The customer's order (its status topic); unused for admins. */
  orderId?: string;
  token: string;
  clientId: string;
  /** Index for localAddress(): spreads sockets over 127.0.0.x. */
  addressIndex: number;
}

export interface ConnectRequest {
  group: string;
  url: string;
  clients: MqttClientSpec[];
  concurrency: number;
  keepaliveSeconds?: number;
}

export interface ConnectReply {
  connected: number;
  failed: number;
  errors: string[];
  ms: number;
}

export interface PollRequest {
  group: string;
  baseUrl: string;
  clients: Array<{ orderId: string; token: string; addressIndex: number }>;
  intervalMs: number;
}

/** [orderId, version, receivedAt (nowMs), retained 0/1] */
export type Receipt = [string, number, number, number];

export interface CollectReply {
  /** Customer receipts (MQTT status messages, or poll responses showing a new version). */
  customer: Receipt[];
  /** Admin feed receipts of order.status_changed, per console: [orderId, version, receivedAt, consoleIndex]. */
  admin: Receipt[];
  duplicates: number;
  regressions: number;
  reconnects: number;
}

export interface PollStats {
  requests: number;
  errors: number;
  skipped: number;
  statuses: Record<string, number>;
  newSockets: number;
  latency: ReturnType<LatencyRecorder['toJSON']>;
}

interface Group {
  mqtt: MqttClient[];
  pollers: Array<{ stop(): void }>;
  poll?: { requests: number; errors: number; skipped: number; statuses: Record<string, number>; newSockets: number; latency: LatencyRecorder };
}

const groups = new Map<string, Group>();
const mqttBytes = new SocketBytes();
let httpBytes = 0;
let customer: Receipt[] = [];
let admin: Receipt[] = [];
let duplicates = 0;
let regressions = 0;
let reconnects = 0;
/** Highest version seen per (client, order). */
const highest = new Map<string, number>();

function groupOf(name: string): Group {
  let group = groups.get(name);
  if (!group) groups.set(name, (group = { mqtt: [], pollers: [] }));
  return group;
}

function seen(key: string, version: number): void {
  const top = highest.get(key) ?? 0;
  if (version > top) highest.set(key, version);
  else if (version === top) duplicates += 1;
  else regressions += 1;
}

async function connectOne(spec: MqttClientSpec, request: ConnectRequest, group: Group): Promise<void> {
  const client = connectMqttOverWebSocket(request.url, {
    username: spec.role,
    password: spec.token,
    clientId: spec.clientId,
    clean: true,
    protocolVersion: 4,
    keepalive: request.keepaliveSeconds ?? BROWSER_KEEPALIVE_SECONDS,
    reconnectPeriod: 1_000,
    connectTimeout: 30_000,
    localAddress: localAddress(spec.addressIndex),
    bytes: mqttBytes,
  });
  const consoleIndex = spec.role === 'admin' ? Number(/(\d+)$/.exec(spec.clientId)?.[1] ?? 0) : 0;
  client.on('message', (_topic, payload, packet) => {
    const at = nowMs();
    let body: { orderId?: unknown; version?: unknown; type?: unknown };
    try {
      body = JSON.parse(payload.toString('utf8')) as typeof body;
    } catch {
      return;
    }
    if (typeof body.orderId !== 'string' || typeof body.version !== 'number') return;
    if (spec.role === 'customer') {
      customer.push([body.orderId, body.version, at, packet.retain ? 1 : 0]);
      seen(`${spec.clientId}/${body.orderId}`, body.version);
    } else if (typeof body.type === 'string' && body.type.startsWith('order.')) {
      admin.push([body.orderId, body.version, at, consoleIndex]);
      seen(`${spec.clientId}/${body.orderId}`, body.version);
    }
  });
  let first = true;
  client.on('connect', () => {
    if (!first) reconnects += 1;
    first = false;
  });
  client.on('error', () => undefined);
  try {
    await untilConnected(client, 30_000);
    const topic = spec.role === 'admin' ? 'admin/orders' : `orders/${spec.orderId}/status`;
    // As the pages do: a customer's page at QoS 1, the admin console at QoS 0 (BENCH_ADMIN_QOS).
    const granted = await client.subscribeAsync(topic, { qos: spec.role === 'admin' ? ADMIN_QOS : 1 });
    if (granted.some((g) => g.qos === 128)) throw new Error(`subscription to ${topic} refused`);
  } catch (err) {
    client.end(true);
    throw err;
  }
  group.mqtt.push(client);
}

async function connect(request: ConnectRequest): Promise<ConnectReply> {
  const group = groupOf(request.group);
  const started = performance.now();
  const errors: string[] = [];
  let failed = 0;
  await mapLimit(request.clients, request.concurrency, async (spec) => {
    try {
      await connectOne(spec, request, group);
    } catch (err) {
      failed += 1;
      if (errors.length < 5) errors.push((err as Error).message);
    }
  });
  return { connected: request.clients.length - failed, failed, errors, ms: performance.now() - started };
}

function startPolling(request: PollRequest): null {
  const group = groupOf(request.group);
  const stats = (group.poll = { requests: 0, errors: 0, skipped: 0, statuses: {} as Record<string, number>, newSockets: 0, latency: new LatencyRecorder() });
  const url = new URL(request.baseUrl);
  const lastBytes = new WeakMap<Socket, number>();
  for (const spec of request.clients) {
    // One keep-alive connection per customer, as one browser tab would hold.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: localAddress(spec.addressIndex) } as http.AgentOptions);
    let inFlight = false;
    let top = 0;
    const poll = () => {
      if (inFlight) {
        stats.skipped += 1;
        return;
      }
      inFlight = true;
      const sent = nowMs();
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: `/orders/${spec.orderId}`,
          method: 'GET',
          agent,
          headers: { accept: 'application/json', authorization: `Bearer ${spec.token}` },
        },
        (res) => {
          // Taken now: once the response ends, a keep-alive socket goes back to the agent.
          const socket = res.socket as Socket | null;
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const at = nowMs();
            inFlight = false;
            stats.requests += 1;
            stats.latency.record(at - sent);
            const code = String(res.statusCode);
            stats.statuses[code] = (stats.statuses[code] ?? 0) + 1;
            if (socket) {
              const before = lastBytes.get(socket);
              if (before === undefined) stats.newSockets += 1;
              httpBytes += socket.bytesRead - (before ?? 0);
              lastBytes.set(socket, socket.bytesRead);
            }
            if (res.statusCode !== 200) return;
            try {
              const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { version?: number };
              if (typeof body.version === 'number' && body.version > top) {
                top = body.version;
                customer.push([spec.orderId, body.version, at, 0]);
              }
            } catch {
              stats.errors += 1;
            }
          });
        },
      );
      req.on('error', () => {
        inFlight = false;
        stats.errors += 1;
      });
      req.end();
    };
    let interval: NodeJS.Timeout | undefined;
    // Spread the first polls over one interval, as independent browsers would.
    const first = setTimeout(() => {
      poll();
      interval = setInterval(poll, request.intervalMs);
    }, Math.random() * request.intervalMs);
    group.pollers.push({
      stop() {
        clearTimeout(first);
        clearInterval(interval);
        agent.destroy();
      },
    });
  }
  return null;
}

/** The polling group's figures since it started or since the last reset. */
function pollStats({ group: name }: { group: string }): PollStats | null {
  const poll = groups.get(name)?.poll;
  if (!poll) return null;
  const { latency, ...rest } = poll;
  return { ...rest, statuses: { ...rest.statuses }, latency: latency.toJSON() };
}

function stopPolling({ group: name }: { group: string }): PollStats | null {
  const group = groups.get(name);
  if (!group?.poll) return null;
  for (const poller of group.pollers) poller.stop();
  group.pollers = [];
  return pollStats({ group: name });
}

async function disconnect({ group: name }: { group: string }): Promise<number> {
  const group = groups.get(name);
  if (!group) return 0;
  groups.delete(name);
  for (const poller of group.pollers) poller.stop();
  await mapLimit(group.mqtt, 500, (client) => client.endAsync(true).catch(() => undefined));
  return group.mqtt.length;
}

serveGenerator(
  {
    connect,
    poll: startPolling,
    pollStats,
    stopPolling,
    disconnect,
    collect(): CollectReply {
      const reply = { customer, admin, duplicates, regressions, reconnects };
      customer = [];
      admin = [];
      return reply;
    },
    reset(): null {
      for (const group of groups.values()) {
        if (!group.poll) continue;
        Object.assign(group.poll, { requests: 0, errors: 0, skipped: 0, statuses: {}, newSockets: 0 });
        group.poll.latency.reset();
      }
      customer = [];
      admin = [];
      duplicates = 0;
      regressions = 0;
      reconnects = 0;
      return null;
    },
    bytes(): { mqtt: number; http: number } {
      return { mqtt: mqttBytes.total(), http: httpBytes };
    },
    connectedCount(): number {
      let n = 0;
      for (const group of groups.values()) for (const c of group.mqtt) if (c.connected) n += 1;
      return n;
    },
  },
  async () => {
    for (const name of [...groups.keys()]) await disconnect({ group: name });
  },
);
