import { createServer, type Socket } from 'node:net';
import type { Admission } from '../admission/admission.js';
import { installFastPublish, markFastPublish } from './fast-publish.js';
import { listenOn, type Transport } from './transport.js';

/** MQTT over TCP: each socket goes to the broker through admission (see admission/). */
export async function listenTcp(admission: Admission, port: number, host: string): Promise<Transport> {
  installFastPublish();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const release = admission.acquire('tcp', address);
    if (!release) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    markFastPublish(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      release();
    });
    admission.handle(socket, { transport: 'tcp', address, bytesRead: () => socket.bytesRead });
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
