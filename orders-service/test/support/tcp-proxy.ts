import { createServer, connect, type Server, type Socket } from 'node:net';
import { freePort } from '@orderpulse/service-kit/testing';

/** A TCP proxy in front of a server, whose connection can be cut and restored like a network outage. */
export interface TcpProxy {
  port: number;
  /** Stops accepting and drops every open connection, as if the database went away. */
  cut(): Promise<void>;
  /** Accepts connections again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const port = await freePort();

  function listen(): Promise<void> {
    const next = createServer((client) => {
      const upstream = connect({ host: targetHost, port: targetPort });
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    server = next;
    return new Promise((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => resolve());
    });
  }

  async function cut(): Promise<void> {
    const closing = server;
    server = undefined;
    const closed = closing ? new Promise<void>((resolve) => closing.close(() => resolve())) : Promise.resolve();
    for (const socket of sockets) socket.destroy();
    await closed;
  }

  await listen();
  return { port, cut, restore: listen, close: cut };
}
