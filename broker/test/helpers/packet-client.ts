import { once } from 'node:events';
import { connect as connectTcp, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import * as mqttPacket from 'mqtt-packet';
import { waitFor } from '@orderpulse/service-kit/testing';

export interface PacketCredentials {
  username?: string;
  password?: string | Buffer;
}

/** Speaks raw MQTT 3.1.1 packets over a stream and records every packet it receives. */
export class PacketClient {
  readonly received: mqttPacket.Packet[] = [];
  closed = false;
  private nextMessageId = 1;

  constructor(private readonly stream: Duplex) {
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', (packet: mqttPacket.Packet) => this.received.push(packet));
    stream.on('data', (chunk: Buffer) => parser.parse(chunk));
    // A WebSocket stream only ends its readable side when the broker hangs up; a socket closes.
    stream.on('end', () => (this.closed = true));
    stream.on('close', () => (this.closed = true));
    stream.on('error', () => undefined);
  }

  send(packet: mqttPacket.Packet): void {
    this.stream.write(mqttPacket.generate(packet));
  }

  async connect(clientId: string, credentials: PacketCredentials = {}, clean = true): Promise<mqttPacket.IConnackPacket> {
    const { username, password } = credentials;
    this.send({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean,
      keepalive: 0,
      clientId,
      ...(username !== undefined ? { username } : {}),
      ...(password !== undefined ? { password: Buffer.from(password) } : {}),
    });
    return this.next<mqttPacket.IConnackPacket>('connack');
  }

  /** Subscribes to one filter at QoS 1 and resolves with the granted code (1, or 128 when refused). */
  async subscribe(topic: string): Promise<number> {
    const messageId = this.nextMessageId++;
    this.send({ cmd: 'subscribe', messageId, subscriptions: [{ topic, qos: 1 }] });
    const suback = await this.next<mqttPacket.ISubackPacket>('suback', (p) => p.messageId === messageId);
    return suback.granted[0] as number;
  }

  /** Publishes at QoS 1; resolves 'puback' when acknowledged, 'closed' when the broker hung up instead. */
  async publish(topic: string, payload: string, retain = false): Promise<'puback' | 'closed'> {
    const messageId = this.nextMessageId++;
    this.send({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, messageId, retain, dup: false });
    return waitFor(
      () => (this.received.some((p) => p.cmd === 'puback' && p.messageId === messageId) ? 'puback' : this.closed && 'closed'),
      `a PUBACK for ${topic} or the connection to close`,
      5_000,
      5,
    );
  }

  publishes(): mqttPacket.IPublishPacket[] {
    return this.received.filter((p): p is mqttPacket.IPublishPacket => p.cmd === 'publish');
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

/**
 * A raw TCP client of the broker at `url` that connects as `clientId`, subscribes to `topic` at
 * QoS 0 and then reads nothing more, so the broker's socket to it fills up. Destroy the socket
 * when done.
 */
export async function subscriberThatStopsReading(url: string, clientId: string, topic: string): Promise<Socket> {
  const raw = connectTcp(Number(new URL(url).port), '127.0.0.1');
  try {
    await once(raw, 'connect');
    const client = new PacketClient(raw);
    await client.connect(clientId);
    client.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos: 0 }] });
    await waitFor(() => client.received.some((p) => p.cmd === 'suback'), 'SUBACK');
    raw.pause();
    return raw;
  } catch (err) {
    raw.destroy();
    throw err;
  }
}
