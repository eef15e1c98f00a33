/**
 * Generator child of the broker bench: holds MQTT clients (subscribers or the publisher) and
 * answers the parent's requests (see protocol.ts and lib/child-generators.ts).
 */
// First, before mqtt.js loads mqtt-packet: debug() calls become empty functions (see the file).
import '@orderpulse/service-kit/quiet-debug';
import { createConnection } from 'node:net';
import type { Duplex } from 'node:stream';
import { MqttClient, type IClientOptions } from 'mqtt';
import { WebSocket, createWebSocketStream } from 'ws';
import { LatencyRecorder, localAddress, monotonicMs, openLoop, serveGenerator } from '../lib/index.js';
import type { ArmRequest, ClientSpec, CollectReply, ConnectReply, ConnectRequest, Endpoint, ProgressReply, PublishReply, PublishRequest } from './protocol.js';

const MAX_FRAME = 64 * 1024;

function streamFor(endpoint: Endpoint, addressIndex: number): () => Duplex {
  const local = localAddress(addressIndex);
  if (endpoint.transport === 'tcp') {
    return () => {
      const socket = createConnection({ host: endpoint.host, port: endpoint.port, localAddress: local });
      socket.setNoDelay(true);
      return socket;
    };
  }
  const url = `ws://${endpoint.host}:${endpoint.port}${endpoint.path}`;
  return () => {
    const ws = new WebSocket(url, ['mqtt'], { localAddress: local, perMessageDeflate: false });
    if (endpoint.wsWrites === 'stock') return createWebSocketStream(ws);
    const sendJoined = (chunks: ReadonlyArray<{ chunk: unknown }>, callback: (err?: Error | null) => void) => {
      // One frame per tick's writes, but at most MAX_FRAME bytes each (a publisher catching up
      // after a stall writes thousands of packets in one tick; servers cap frame sizes).
      const frames: Buffer[][] = [[]];
      let size = 0;
      for (const { chunk } of chunks) {
        const buffer = chunk as Buffer;
        if (size > 0 && size + buffer.length > MAX_FRAME) {
          frames.push([]);
          size = 0;
        }
        frames[frames.length - 1]!.push(buffer);
        size += buffer.length;
      }
      frames.forEach((parts, i) => {
        const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
        if (i === frames.length - 1) ws.send(data, { binary: true }, callback);
        else ws.send(data, { binary: true });
      });
    };
    return createWebSocketStream(ws, {
      writev(chunks, callback) {
        if (ws.readyState === WebSocket.CONNECTING) {
          // as createWebSocketStream's own write does: hold the data until the socket is open
          ws.once('open', () => sendJoined(chunks, callback));
          return;
        }
        sendJoined(chunks, callback);
      },
    });
  };
}

interface Held {
  client: MqttClient;
  lastSeq: number;
}

const held: Held[] = [];
let recorder = new LatencyRecorder();
let currentRun = -1;
let received = 0;
let outOfOrder = 0;
let malformed = 0;
let clientErrors = 0;
let disconnects = 0;
let lastError: string | undefined;
let closing = false;

function onMessage(entry: Held, payload: Buffer): void {
  const at = monotonicMs();
  let message: { r: number; s: number; t: number };
  try {
    message = JSON.parse(payload.toString()) as { r: number; s: number; t: number };
  } catch {
    malformed += 1;
    return;
  }
  if (message.r !== currentRun) return;
  received += 1;
  recorder.record(at - message.t);
  if (message.s <= entry.lastSeq) outOfOrder += 1;
  else entry.lastSeq = message.s;
}

function connectOne(endpoint: Endpoint, spec: ClientSpec): Promise<boolean> {
  const options: IClientOptions = {
    protocolVersion: 4,
    clientId: spec.clientId,
    clean: true,
    keepalive: 120,
    reconnectPeriod: 0,
    connectTimeout: 60_000,
    resubscribe: false,
    ...(spec.username !== undefined && { username: spec.username }),
    ...(spec.password !== undefined && { password: spec.password }),
  };
  const client = new MqttClient(streamFor(endpoint, spec.addressIndex), options);
  const entry: Held = { client, lastSeq: -1 };
  return new Promise<boolean>((resolve) => {
    let settled = false;
    const settle = (ok: boolean) => {
      if (settled) return;
      settled = true;
      if (ok) held.push(entry);
      else client.end(true);
      resolve(ok);
    };
    client.on('error', (err) => {
      clientErrors += 1;
      lastError = err.message;
      settle(false);
    });
    client.on('close', () => {
      if (!closing && settled) {
        disconnects += 1;
        lastError ??= 'connection closed';
      }
      settle(false);
    });
    client.once('connect', () => {
      if (spec.topic === undefined) {
        settle(true);
        return;
      }
      client.on('message', (_topic, payload) => onMessage(entry, payload));
      client.subscribe(spec.topic, { qos: 1 }, (err, granted) => settle(!err && granted?.[0]?.qos !== 128));
    });
  });
}

async function connect(request: ConnectRequest): Promise<ConnectReply> {
  closing = false;
  const started = monotonicMs();
  let next = 0;
  let connected = 0;
  let refused = 0;
  const worker = async () => {
    while (next < request.clients.length) {
      const spec = request.clients[next++]!;
      if (await connectOne(request.endpoint, spec)) connected += 1;
      else refused += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, request.concurrency) }, worker));
  return { connected, refused, ms: monotonicMs() - started };
}

async function disconnect(): Promise<null> {
  closing = true;
  const clients = held.splice(0);
  await Promise.all(
    clients.map(
      ({ client }) =>
        new Promise<void>((resolve) => {
          // DISCONNECT, then close; a client whose close does not complete in time is dropped.
          const timer = setTimeout(() => {
            client.end(true);
            client.stream?.destroy();
            resolve();
          }, 3_000);
          client.end(false, {}, () => {
            clearTimeout(timer);
            resolve();
          });
        }),
    ),
  );
  // give sockets a moment to be gone on the broker's side too
  await new Promise((r) => setTimeout(r, 100));
  return null;
}

function arm({ run }: ArmRequest): null {
  currentRun = run;
  recorder = new LatencyRecorder();
  received = 0;
  outOfOrder = 0;
  malformed = 0;
  clientErrors = 0;
  disconnects = 0;
  lastError = undefined;
  for (const entry of held) entry.lastSeq = -1;
  return null;
}

function collect(): CollectReply {
  return { received, outOfOrder, malformed, histogram: recorder.toJSON(), clientErrors, disconnects };
}

async function publish(request: PublishRequest): Promise<PublishReply> {
  const publisher = held[0]?.client;
  if (!publisher) throw new Error('no publisher connected');
  if (!publisher.connected) {
    return { sent: 0, acked: 0, maxSendLagMs: 0, elapsedMs: 0, error: `not connected (${lastError ?? 'closed'})` };
  }
  const { run, qos, topics } = request;
  // ~payloadBytes of JSON shaped like a status update, carrying run, sequence and scheduled time.
  const head = `{"r":${run},"s":`;
  const sample = `${head}${1e9},"t":${monotonicMs().toFixed(3)},"status":"out_for_delivery","version":7,"pad":""}`;
  const pad = 'x'.repeat(Math.max(0, request.payloadBytes - sample.length));
  let sent = 0;
  let acked = 0;
  let maxSendLagMs = 0;
  const started = monotonicMs();
  let allAcked: (() => void) | undefined;
  const onAck = (err?: Error) => {
    if (!err) acked += 1;
    if (allAcked && acked >= sent) allAcked();
  };
  await openLoop({
    ratePerSecond: request.ratePerSecond,
    durationMs: request.durationMs,
    idle: request.pacing,
    // Publisher and subscribers are different processes: the monotonic clock is one for all of them.
    clock: monotonicMs,
    send: (scheduledAt, seq) => {
      const lag = monotonicMs() - scheduledAt;
      if (lag > maxSendLagMs) maxSendLagMs = lag;
      const payload = `${head}${seq},"t":${scheduledAt.toFixed(3)},"status":"out_for_delivery","version":7,"pad":"${pad}"}`;
      sent += 1;
      if (qos === 0) publisher.publish(topics[seq % topics.length]!, payload, { qos: 0 });
      else publisher.publish(topics[seq % topics.length]!, payload, { qos: 1 }, onAck);
    },
  });
  if (qos === 1 && acked < sent) {
    await new Promise<void>((resolve) => {
      allAcked = resolve;
      setTimeout(resolve, request.ackTimeoutMs).unref();
    });
  }
  return {
    sent,
    acked: qos === 1 ? acked : sent,
    maxSendLagMs,
    elapsedMs: monotonicMs() - started,
    ...(publisher.connected ? {} : { error: `connection lost (${lastError ?? 'closed'})` }),
  };
}

serveGenerator(
  {
    connect,
    disconnect,
    arm,
    progress: (): ProgressReply => ({ received }),
    collect,
    publish,
  },
  async () => {
    closing = true;
    for (const { client } of held) client.end(true);
  },
);
