import type { Server } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A listening MQTT transport: the port it got, and how to stop it. */
export interface Transport {
  readonly port: number;
  isListening(): boolean;
  /** Stops accepting, drops connections that are still open, resolves once the server is closed. */
  close(): Promise<void>;
}

/**
 * Node's default accept backlog (511) overflows when thousands of clients reconnect at once after
 * a restart; the kernel then drops their handshakes and each client waits out TCP's
 * retransmission backoff (1 s, 3 s, 7 s…). The kernel caps it at net.core.somaxconn.
 */
export const LISTEN_BACKLOG = 8_192;

export async function listenOn(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}
