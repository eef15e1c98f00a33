import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import type { Aedes } from 'aedes';
import { markFastPublish } from '../../src/transports/fast-publish.js';

export interface PlainAedesServer {
  url: string;
  /** Closes aedes, then the listener. */
  close(): Promise<void>;
}

/** An aedes instance (no transports, hooks or auth of ours) served over TCP on a free port, its sockets marked as the broker's are. */
export async function serveAedesOverTcp(aedes: Aedes): Promise<PlainAedesServer> {
  const server = createServer((socket) => {
    markFastPublish(socket);
    aedes.handle(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
