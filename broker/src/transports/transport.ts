import type { Server } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A listening MQTT transport: the port it got, and how to stop it. */
export interface Transport {
  readonly port: number;
  isListening(): boolean;
  /** Stops accepting, drops connections that are still open, resolves once the server is closed. */
  close(): Promise<void>;
}

export async function listenOn(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}
