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

/**
 * How long an idle keep-alive connection stays open (announced as `Keep-Alive: timeout=5`). A
 * client or proxy that keeps idle connections longer may send a request on one just as it closes:
 * deploy/Caddyfile keeps its upstream connections idle for less than this.
 */
export const HTTP_KEEP_ALIVE_TIMEOUT_MS = 5_000;

/** The same for any HTTP server. */
export async function listenServer(server: Server, port: number, host = '127.0.0.1'): Promise<RunningServer> {
  server.keepAliveTimeout = HTTP_KEEP_ALIVE_TIMEOUT_MS;
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
