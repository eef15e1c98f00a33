import { createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Aedes } from 'aedes';
import { createWebSocketStream, WebSocketServer, type WebSocket } from 'ws';
import { listenOn, type Transport } from './transport.js';

export interface WebSocketTransportOptions {
  port: number;
  host: string;
  path: string;
  /** Largest WebSocket message accepted; anything bigger closes the socket (1009). */
  maxFrameBytes: number;
}

/**
 * mqtt-packet writes one packet as 5–6 chunks inside cork/uncork. Without `writev` each chunk
 * becomes its own WebSocket frame and system call; joining them into one frame cut broker CPU
 * per delivery ~2.5x (DEPENDENCIES.md). MQTT over WebSocket is a byte stream, so packets need
 * not line up with frames.
 */
export function toMqttStream(ws: WebSocket): Duplex {
  return createWebSocketStream(ws, {
    writev(chunks, callback) {
      const data = chunks.length === 1 ? (chunks[0]!.chunk as Buffer) : Buffer.concat(chunks.map((c) => c.chunk as Buffer));
      ws.send(data, { binary: true }, callback);
    },
  });
}

/** MQTT over WebSocket on `path`; plain HTTP requests get 426. */
export async function listenWebSocket(aedes: Aedes, options: WebSocketTransportOptions): Promise<Transport> {
  const server = createServer((_req, res) => {
    res.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket' });
    res.end(`MQTT over WebSocket: connect with a WebSocket client to ${options.path}\n`);
  });
  // Listen first: a WebSocketServer re-emits its server's listen errors as an unhandled 'error'.
  const actualPort = await listenOn(server, options.port, options.host);
  const wss = new WebSocketServer({ server, path: options.path, maxPayload: options.maxFrameBytes });
  wss.on('connection', (ws, req) => aedes.handle(toMqttStream(ws), req));
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
