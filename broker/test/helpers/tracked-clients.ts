import type { IClientOptions } from 'mqtt';
import type { IConnackPacket } from 'mqtt-packet';
import { connectAs, endAll, type RecordingClient } from './mqtt-clients.js';
import type { PacketClient } from './packet-client.js';
import { credentialsOf, type Persona } from './personas.js';
import { openPacketClient, type BrokerAddress } from './raw-transports.js';

export interface TrackedClients {
  /** An mqtt.js client of `persona` over TCP (must be accepted). */
  connect(persona: Persona, clientId: string, options?: IClientOptions): Promise<RecordingClient>;
  /** A raw CONNECT over TCP with the persona's token; resolves with the CONNACK, accepted or not. */
  connectRaw(persona: Persona, clientId: string, clean?: boolean): Promise<{ client: PacketClient; connack: IConnackPacket }>;
  /** Closes every client opened so far. */
  closeAll(): Promise<void>;
}

/** Clients a test opens against `broker()`, remembered so that afterEach can close them all. */
export function trackedClients(broker: () => BrokerAddress & { tcpUrl: string }): TrackedClients {
  const recording: RecordingClient[] = [];
  const raw: PacketClient[] = [];
  return {
    async connect(persona, clientId, options = {}) {
      const client = await connectAs(broker().tcpUrl, persona, { clientId, ...options });
      recording.push(client);
      return client;
    },
    async connectRaw(persona, clientId, clean = true) {
      const client = await openPacketClient(broker(), 'tcp');
      raw.push(client);
      return { client, connack: await client.connect(clientId, await credentialsOf(persona), clean) };
    },
    async closeAll() {
      await endAll(recording.splice(0));
      for (const client of raw.splice(0)) client.close();
    },
  };
}
