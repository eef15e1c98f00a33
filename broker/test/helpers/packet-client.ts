import type { Duplex } from 'node:stream';
import * as mqttPacket from 'mqtt-packet';
import { waitFor } from '@orderpulse/service-kit/testing';

/** Speaks raw MQTT 3.1.1 packets over a stream and records every packet it receives. */
export class PacketClient {
  readonly received: mqttPacket.Packet[] = [];
  closed = false;

  constructor(private readonly stream: Duplex) {
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', (packet: mqttPacket.Packet) => this.received.push(packet));
    stream.on('data', (chunk: Buffer) => parser.parse(chunk));
    stream.on('close', () => (this.closed = true));
    stream.on('error', () => undefined);
  }

  send(packet: mqttPacket.Packet): void {
    this.stream.write(mqttPacket.generate(packet));
  }

  async connect(clientId: string, credentials: { username?: string; password?: Buffer } = {}): Promise<mqttPacket.IConnackPacket> {
    this.send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, keepalive: 0, clientId, ...credentials });
    return this.next<mqttPacket.IConnackPacket>('connack');
  }

  next<P extends mqttPacket.Packet>(cmd: P['cmd'], match: (packet: P) => boolean = () => true): Promise<P> {
    return waitFor(() => this.received.find((p): p is P => p.cmd === cmd && match(p as P)), `a ${cmd} packet`, 5_000, 5);
  }

  waitUntilClosed(): Promise<true> {
    return waitFor(() => this.closed, 'the connection to close', 5_000, 5);
  }

  close(): void {
    this.stream.destroy();
  }
}
