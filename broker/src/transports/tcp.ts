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
    // Nagle's algorithm off: a broker's writes are small and each is awaited (a PUBACK, a
    // delivery). With it on, a write made while the previous one is unacknowledged waits for the
    // peer's delayed ACK, 40 ms on Linux: the notifier's PUBACKs took 25–50 ms at 1,000 updates/s
    // (README, Performance). Writes of one turn already leave together (fast-publish.ts).
    socket.setNoDelay(true);
    markFastPublish(socket, undefined, socket);
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
