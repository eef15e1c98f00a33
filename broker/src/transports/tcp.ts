import { createServer, type Socket } from 'node:net';
import type { Aedes } from 'aedes';
import { installFastPublish, markFastPublish } from './fast-publish.js';
import { listenOn, type Transport } from './transport.js';

/** MQTT over TCP: each socket goes straight to the broker. */
export async function listenTcp(aedes: Aedes, port: number, host: string): Promise<Transport> {
  installFastPublish();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    markFastPublish(socket);
    socket.once('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });
  const actualPort = await listenOn(server, port, host);
  return {
    port: actualPort,
    isListening: () => server.listening,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Sockets that never sent CONNECT are unknown to aedes and would hold the server open.
        for (const socket of sockets) socket.destroy();
      }),
  };
}
