import { once } from 'node:events';
import { connect } from 'node:net';
import { WebSocket } from 'ws';
import type { TransportName } from './raw-transports.js';

/** A fixed header of packet type `type` announcing `length` bytes (remaining length per MQTT §2.2.3). */
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

export interface FloodResult {
  /** Bytes handed to the connection before it closed (some may still have been in kernel buffers). */
  written: number;
  /** True when the broker closed the connection before `maxBytes` were written. */
  closedByBroker: boolean;
}

/**
 * Sends `first`, then zeros in `chunkBytes` pieces (over WebSocket: one binary frame each),
 * waiting for each piece to be taken, until the broker closes the connection or `maxBytes`
 * have been written.
 */
export async function flood(
  target: { tcpPort: number; wsUrl: string },
  transport: TransportName,
  first: Buffer,
  { chunkBytes = 64 * 1024, maxBytes = 64 * 1024 * 1024 } = {},
): Promise<FloodResult> {
  const zeros = Buffer.alloc(chunkBytes);
  let written = 0;
  if (transport === 'tcp') {
    const socket = connect({ host: '127.0.0.1', port: target.tcpPort });
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    // Not events.once: it rejects on 'error', and a reset connection is what is expected here.
    let open = true;
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    void closed.then(() => (open = false));
    for (let piece = first; open && written < maxBytes; piece = zeros) {
      written += piece.length;
      if (!socket.write(piece)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closed]);
    }
    const closedByBroker = !open;
    socket.destroy();
    return { written, closedByBroker };
  }
  const ws = new WebSocket(target.wsUrl, 'mqtt');
  ws.on('error', () => undefined);
  await once(ws, 'open');
  const send = (piece: Buffer) => new Promise<void>((resolve) => ws.send(piece, { binary: true }, () => resolve()));
  for (let piece = first; ws.readyState === ws.OPEN && written < maxBytes; piece = zeros) {
    written += piece.length;
    await send(piece);
  }
  const closedByBroker = ws.readyState !== ws.OPEN;
  ws.terminate();
  return { written, closedByBroker };
}
