import { once } from 'node:events';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { createWebSocketStream, WebSocket } from 'ws';
import { PacketClient } from './packet-client.js';

export type TransportName = 'tcp' | 'websocket';

export interface BrokerAddress {
  tcpPort: number;
  wsUrl: string;
}

async function openStream(broker: BrokerAddress, transport: TransportName): Promise<Duplex> {
  if (transport === 'tcp') {
    const socket = connect({ host: '127.0.0.1', port: broker.tcpPort });
    await once(socket, 'connect');
    return socket;
  }
  const ws = new WebSocket(broker.wsUrl, 'mqtt');
  await once(ws, 'open');
  return createWebSocketStream(ws);
}

/** A raw-packet client over a real TCP socket or WebSocket to the broker. */
export async function openPacketClient(broker: BrokerAddress, transport: TransportName): Promise<PacketClient> {
  return new PacketClient(await openStream(broker, transport));
}
