import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Aedes, type AedesOptions } from 'aedes';

export interface InProcessBroker {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A plain Aedes broker over TCP on a free port (delivery-service never imports broker/). */
export async function startAedes(options: AedesOptions = {}): Promise<InProcessBroker> {
  const aedes = await Aedes.createBroker(options);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await closed;
    },
  };
}
