// Jest-side only (aedes is ESM; Jest transforms it): `@orderpulse/service-kit/testing/aedes`.
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Aedes, type AedesOptions } from 'aedes';

export interface InProcessBroker {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * A plain Aedes broker over TCP, for testing MQTT clients without broker/ (services never import
 * it). `port` 0 (the default) picks a free one; pass a previous port to bring "the same" broker back.
 */
export async function startAedes(options: AedesOptions & { port?: number } = {}): Promise<InProcessBroker> {
  const { port = 0, ...aedesOptions } = options;
  const aedes = await Aedes.createBroker(aedesOptions);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `mqtt://127.0.0.1:${actual}`,
    port: actual,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await closed;
    },
  };
}

export interface Login {
  clientId: string;
  username: string | undefined;
  password: string | undefined;
  accepted: boolean;
}

/**
 * An Aedes `authenticate` hook that asks `accept` about every CONNECT and records each one, so
 * tests can see exactly what a client presented. A refusal is CONNACK "not authorized" (5).
 */
export function recordingAuthenticator(accept: (username: string | undefined, password: string | undefined) => Promise<boolean>) {
  const logins: Login[] = [];
  const authenticate: NonNullable<AedesOptions['authenticate']> = (client, username, password, done) => {
    const presented = password?.toString('utf8');
    const refuse = () => done(Object.assign(new Error('not authorized'), { returnCode: 5 as const }), false);
    void accept(username, presented).then((accepted) => {
      logins.push({ clientId: client.id, username, password: presented, accepted });
      if (accepted) done(null, true);
      else refuse();
    }, refuse);
  };
  return { authenticate, logins };
}
