import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';

export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Listens on `port` (0 picks a free one) and reports the real port. */
export function listen(app: Koa, port: number, host = '127.0.0.1'): Promise<RunningServer> {
  const handle = app.callback();
  return listenServer(
    createServer((req, res) => void handle(req, res)),
    port,
    host,
  );
}

/** The same for any HTTP server. */
export async function listenServer(server: Server, port: number, host = '127.0.0.1'): Promise<RunningServer> {
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    server,
    port: actual,
    url: `http://${host}:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
