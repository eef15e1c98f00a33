import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { WebSocket } from 'ws';

export type Transport = 'tcp' | 'websocket';

export interface BrokerTarget {
  host: string;
  tcpPort: number;
  wsUrl: string;
}

/** A fixed header of packet type `type` announcing `length` bytes (remaining length, MQTT 3.1.1 §2.2.3). */
export function headerAnnouncing(type: number, length: number, flags = 0): Buffer {
  const bytes = [(type << 4) | flags];
  let left = length;
  do {
    let digit = left % 128;
    left = Math.floor(left / 128);
    if (left > 0) digit |= 0x80;
    bytes.push(digit);
  } while (left > 0);
  return Buffer.from(bytes);
}

/** The largest remaining length MQTT can announce: ~256 MiB. */
export const MAX_ANNOUNCED = 268_435_455;

export interface FloodOutcome {
  /** Bytes handed to the connection before it closed (part may have stayed in kernel buffers). */
  written: number;
  /** True when the broker closed the connection before `maxBytes` were written. */
  closedByBroker: boolean;
  /** Milliseconds from open to close. */
  heldMs: number;
}

/** A TCP connection from `localAddress` (a 127.0.0.x of the attacker's own). */
export async function openTcp(target: BrokerTarget, localAddress: string): Promise<Socket> {
  const socket = connect({ host: target.host, port: target.tcpPort, localAddress });
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  return socket;
}

/** A WebSocket (subprotocol mqtt) from `localAddress`. */
export async function openWebSocket(target: BrokerTarget, localAddress: string): Promise<WebSocket> {
  const ws = new WebSocket(target.wsUrl, 'mqtt', { localAddress });
  ws.on('error', () => undefined);
  await once(ws, 'open');
  return ws;
}

/**
 * Sends `first`, then zeros in `chunkBytes` pieces (over WebSocket one binary frame each),
 * each after the previous was taken, until the broker closes the connection or `maxBytes`
 * have been written.
 */
export async function flood(
  target: BrokerTarget,
  transport: Transport,
  localAddress: string,
  first: Buffer,
  { chunkBytes = 64 * 1024, maxBytes = 64 * 1024 * 1024 } = {},
): Promise<FloodOutcome> {
  const zeros = Buffer.alloc(chunkBytes);
  const openedAt = performance.now();
  let written = 0;
  if (transport === 'tcp') {
    const socket = await openTcp(target, localAddress);
    let open = true;
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    void closed.then(() => (open = false));
    for (let piece = first; open && written < maxBytes; piece = zeros) {
      written += piece.length;
      if (!socket.write(piece)) await Promise.race([once(socket, 'drain').catch(() => undefined), closed]);
    }
    const closedByBroker = !open;
    socket.destroy();
    return { written, closedByBroker, heldMs: performance.now() - openedAt };
  }
  const ws = await openWebSocket(target, localAddress);
  const send = (piece: Buffer) => new Promise<void>((resolve) => ws.send(piece, { binary: true }, () => resolve()));
  for (let piece = first; ws.readyState === ws.OPEN && written < maxBytes; piece = zeros) {
    written += piece.length;
    await send(piece);
  }
  const closedByBroker = ws.readyState !== ws.OPEN;
  ws.terminate();
  return { written, closedByBroker, heldMs: performance.now() - openedAt };
}
