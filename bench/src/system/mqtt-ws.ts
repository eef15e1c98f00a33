import type { Socket } from 'node:net';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import WebSocket from 'ws';

/** Bytes the client side has read from its sockets (socket.bytesRead), live and already closed ones. */
export class SocketBytes {
  private closed = 0;
  private readonly live = new Set<Socket>();

  track(socket: Socket | undefined): void {
    if (!socket || this.live.has(socket)) return;
    this.live.add(socket);
    socket.once('close', () => {
      this.live.delete(socket);
      this.closed += socket.bytesRead;
    });
  }

  total(): number {
    let sum = this.closed;
    for (const socket of this.live) sum += socket.bytesRead;
    return sum;
  }
}

export interface WsClientOptions extends Omit<IClientOptions, 'wsOptions' | 'createWebsocket'> {
  /** Source address for the socket (127.0.0.x), to spread client sockets over port ranges. */
  localAddress?: string;
  bytes?: SocketBytes;
}

/**
 * An mqtt.js client over WebSocket from Node, made to behave like the browser build: mqtt.js in
 * the browser joins the pieces of one packet into one WebSocket message (BufferedDuplex writev),
 * while its Node transport sends each piece as its own frame (DEPENDENCIES.md). A `writev` on the
 * WebSocket stream does the joining, so the broker sees browser-like framing.
 */
export function connectMqttOverWebSocket(url: string, options: WsClientOptions): MqttClient {
  const { localAddress, bytes, ...mqttOptions } = options;
  let current: WebSocket | undefined;
  const send = (ws: WebSocket, data: Buffer, callback: (err?: Error | null) => void) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(data, { binary: true }, (err) => callback(err ?? null));
    else if (ws.readyState === WebSocket.CONNECTING) {
      ws.once('open', () => ws.send(data, { binary: true }, (err) => callback(err ?? null)));
      ws.once('close', () => callback(new Error('WebSocket closed before it opened')));
    } else callback(new Error('WebSocket is not open'));
  };
  const wsOptions = {
    writev(chunks: Array<{ chunk: unknown }>, callback: (err?: Error | null) => void) {
      const ws = current;
      if (!ws) return callback(new Error('no WebSocket'));
      const data = chunks.length === 1 ? (chunks[0]!.chunk as Buffer) : Buffer.concat(chunks.map((c) => c.chunk as Buffer));
      send(ws, data, callback);
    },
  };
  return mqtt.connect(url, {
    ...mqttOptions,
    wsOptions: wsOptions as IClientOptions['wsOptions'],
    createWebsocket: (wsUrl: string, protocols: string[]) => {
      const ws = new WebSocket(wsUrl, protocols, { perMessageDeflate: false, ...(localAddress ? { localAddress } : {}) });
      current = ws;
      if (bytes) ws.once('upgrade', (res) => bytes.track(res.socket as Socket));
      return ws;
    },
  });
}

/** Resolves on CONNACK, rejects on the first error or after `timeoutMs`. */
export function untilConnected(client: MqttClient, timeoutMs: number): Promise<void> {
  if (client.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      client.off('connect', onConnect);
      client.off('error', onError);
    };
    const onConnect = () => {
      cleanup();
      resolve();
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no CONNACK in ${timeoutMs} ms`));
    }, timeoutMs);
    client.on('connect', onConnect);
    client.on('error', onError);
  });
}
