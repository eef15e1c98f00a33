import { createServer, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createWebSocketStream, WebSocketServer, type WebSocket } from 'ws';
import type { Admission } from '../admission/admission.js';
import { webSocketClientAddress } from '../admission/client-address.js';
import { installFastPublish, markFastPublish, type PublishWriter } from './fast-publish.js';
import { listenOn, type Transport } from './transport.js';

export interface WebSocketTransportOptions {
  port: number;
  host: string;
  path: string;
  /** Largest WebSocket message accepted; anything bigger closes the socket (1009). */
  maxFrameBytes: number;
  /** Proxies in front whose X-Forwarded-For is believed (see client-address.ts); 0: the TCP peer is the client. */
  trustProxyHops: number;
  /** How long the HTTP upgrade request may take to arrive (the MQTT CONNECT has its own deadline). */
  upgradeTimeoutMs: number;
}

/** Joins the chunks written in one tick (writev) into one buffer, without intermediate arrays. */
function joinChunks(chunks: ReadonlyArray<{ chunk: unknown }>): Buffer {
  if (chunks.length === 1) return chunks[0]!.chunk as Buffer;
  let length = 0;
  for (let i = 0; i < chunks.length; i += 1) length += (chunks[i]!.chunk as Buffer).length;
  const data = Buffer.allocUnsafe(length);
  let offset = 0;
  for (let i = 0; i < chunks.length; i += 1) {
    const chunk = chunks[i]!.chunk as Buffer;
    chunk.copy(data, offset);
    offset += chunk.length;
  }
  return data;
}

/** The last WebSocket frame built, by the MQTT bytes it carries: a QoS 0 fan-out sends one frame to all. */
let lastFramed: { bytes: Buffer; frame: Buffer } | undefined;

/** An unmasked, final, binary WebSocket frame carrying `bytes` (RFC 6455 §5.2). */
export function binaryFrame(bytes: Buffer): Buffer {
  if (lastFramed !== undefined && lastFramed.bytes === bytes) return lastFramed.frame;
  const length = bytes.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x82; // FIN, opcode 2 (binary)
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  bytes.copy(frame, headerLength);
  lastFramed = { bytes, frame };
  return frame;
}

/**
 * A PUBLISH (already one buffer, see fast-publish.ts) goes straight to the socket as one
 * WebSocket frame, skipping the stream and ws's Sender, when that keeps every byte in order:
 * the socket is open and nothing written through the stream is still buffered or in flight
 * (ws's Sender writes synchronously: permessage-deflate is off). When the socket's buffer is
 * full, the stream emits 'drain' once the socket has drained, which is what aedes waits for.
 */
function directPublishWriter(ws: WebSocket, stream: Duplex, socket: Socket): PublishWriter {
  let waitingForDrain = false;
  const onDrain = () => {
    waitingForDrain = false;
    stream.emit('drain');
  };
  return (bytes) => {
    if (ws.readyState !== ws.OPEN || stream.writableLength !== 0 || stream.writableCorked !== 0 || socket.destroyed) return undefined;
    const ok = socket.write(binaryFrame(bytes));
    if (!ok && !waitingForDrain) {
      waitingForDrain = true;
      socket.once('drain', onDrain);
    }
    return ok;
  };
}

/**
 * mqtt-packet writes one packet as 5–6 chunks inside cork/uncork. Without `writev` each chunk
 * becomes its own WebSocket frame and system call; joining them into one frame cut broker CPU
 * per delivery ~2.5x (DEPENDENCIES.md). MQTT over WebSocket is a byte stream, so packets need
 * not line up with frames. PUBLISH packets take a shorter route when `socket` (the upgraded
 * request's socket, which ws writes to) is given: see directPublishWriter.
 */
export function toMqttStream(ws: WebSocket, socket?: Socket): Duplex {
  const stream = createWebSocketStream(ws, {
    writev(chunks, callback) {
      ws.send(joinChunks(chunks), { binary: true }, callback);
    },
  });
  markFastPublish(stream, socket && directPublishWriter(ws, stream, socket), socket);
  return stream;
}

/**
 * MQTT over WebSocket on `path`; plain HTTP requests get 426. An address over its connection
 * limit gets 503 instead of the upgrade; an upgraded connection goes through admission like a
 * TCP one (the per-frame limit alone bounds nothing: an MQTT packet may span any number of frames).
 */
export async function listenWebSocket(admission: Admission, options: WebSocketTransportOptions): Promise<Transport> {
  installFastPublish();
  const server = createServer(
    {
      headersTimeout: options.upgradeTimeoutMs,
      requestTimeout: options.upgradeTimeoutMs,
      connectionsCheckingInterval: Math.min(options.upgradeTimeoutMs, 30_000),
    },
    (_req, res) => {
      res.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket' });
      res.end(`MQTT over WebSocket: connect with a WebSocket client to ${options.path}\n`);
    },
  );
  // Listen first: a WebSocketServer re-emits its server's listen errors as an unhandled 'error'.
  const actualPort = await listenOn(server, options.port, options.host);
  const addressOf = (req: IncomingMessage) => webSocketClientAddress(req, options.trustProxyHops);
  const wss = new WebSocketServer({
    server,
    path: options.path,
    maxPayload: options.maxFrameBytes,
    verifyClient: ({ req }, accept) => {
      const release = admission.acquire('websocket', addressOf(req));
      if (!release) {
        accept(false, 503, 'Too many connections from this address');
        return;
      }
      req.socket.once('close', release);
      accept(true);
    },
  });
  wss.on('connection', (ws, req) => {
    const socket = req.socket; // not `req`: nothing may keep the upgrade request (see admission.ts)
    admission.handle(toMqttStream(ws, socket), { transport: 'websocket', address: addressOf(req), bytesRead: () => socket.bytesRead });
  });
  return {
    port: actualPort,
    isListening: () => server.listening,
    close: () =>
      new Promise<void>((resolve) => {
        wss.close();
        server.close(() => resolve());
        for (const ws of wss.clients) ws.terminate();
        server.closeAllConnections();
      }),
  };
}
