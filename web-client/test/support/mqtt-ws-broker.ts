import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Aedes, type Client } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';

export interface Credentials {
  clientId: string;
  username: string | undefined;
  password: string | undefined;
}

export interface StartedWsBroker {
  /** `ws://127.0.0.1:<port>/mqtt`, as a browser would use it. */
  url: string;
  /** Every CONNECT the broker saw, in order. */
  readonly connections: Credentials[];
  /** Drops the connections of clients whose id starts with `prefix`, as a network failure would. */
  dropClients(prefix: string): number;
  close(): Promise<void>;
}

/** An in-process Aedes broker speaking MQTT over WebSocket on a free port; it accepts everyone. */
export async function startWsBroker(): Promise<StartedWsBroker> {
  const connections: Credentials[] = [];
  const clients = new Map<string, Client>();
  const broker = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      connections.push({ clientId: client.id, username, password: password?.toString('utf8') });
      done(null, true);
    },
  });
  broker.on('clientReady', (client) => clients.set(client.id, client));
  broker.on('clientDisconnect', (client) => clients.delete(client.id));

  const server = createServer();
  const wss = new WebSocketServer({ server, path: '/mqtt' });
  wss.on('connection', (ws, req) => broker.handle(createWebSocketStream(ws), req));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `ws://127.0.0.1:${port}/mqtt`,
    connections,
    dropClients(prefix) {
      const victims = [...clients.values()].filter((c) => c.id.startsWith(prefix));
      for (const client of victims) client.conn.destroy();
      return victims.length;
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}
