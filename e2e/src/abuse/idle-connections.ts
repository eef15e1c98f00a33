import { once } from 'node:events';
import { connect } from 'node:net';
import { WebSocket } from 'ws';
import type { BrokerTarget, Transport } from './raw-flood.js';

export interface IdleConnection {
  transport: Transport;
  /** False when the broker refused it at once (TCP closed on accept, WebSocket upgrade answered 503). */
  opened: boolean;
  /** Resolves with the ms from opening until the broker closed it. */
  closed: Promise<number>;
  destroy(): void;
}

/** A connection from `localAddress` that never sends a byte of MQTT. */
export async function openIdle(target: BrokerTarget, transport: Transport, localAddress: string): Promise<IdleConnection> {
  const startedAt = performance.now();
  if (transport === 'tcp') {
    const socket = connect({ host: target.host, port: target.tcpPort, localAddress });
    socket.on('error', () => undefined);
    const closed = once(socket, 'close').then(() => performance.now() - startedAt);
    await once(socket, 'connect');
    return { transport, opened: true, closed, destroy: () => socket.destroy() };
  }
  const ws = new WebSocket(target.wsUrl, 'mqtt', { localAddress });
  const closed = new Promise<number>((resolve) => ws.once('close', () => resolve(performance.now() - startedAt)));
  const opened = await new Promise<boolean>((resolve) => {
    ws.once('open', () => resolve(true));
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve(false);
      ws.terminate();
    });
    ws.once('error', () => resolve(false));
  });
  return { transport, opened, closed: opened ? closed : Promise.resolve(performance.now() - startedAt), destroy: () => ws.terminate() };
}
