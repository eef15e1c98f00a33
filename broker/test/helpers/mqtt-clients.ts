import { subackCodes } from '@orderpulse/service-kit/testing';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { credentialsOf, type Persona } from './personas.js';

export interface ReceivedMessage {
  topic: string;
  payload: string;
  qos: number;
  retain: boolean;
}

export interface RecordingClient {
  client: MqttClient;
  messages: ReceivedMessage[];
}

/** An mqtt.js client that records every message it receives; it never reconnects by itself. */
export async function connectRecording(url: string, options: IClientOptions = {}): Promise<RecordingClient> {
  const client = await connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5_000, ...options });
  const messages: ReceivedMessage[] = [];
  client.on('message', (topic, payload, packet) => {
    messages.push({ topic, payload: payload.toString('utf8'), qos: packet.qos, retain: packet.retain });
  });
  return { client, messages };
}

/** A recording mqtt.js client that presents the persona's token (test secret). */
export async function connectAs(url: string, persona: Persona, options: IClientOptions = {}): Promise<RecordingClient> {
  return connectRecording(url, { ...(await credentialsOf(persona)), ...options });
}

export async function endAll(clients: Array<RecordingClient | MqttClient | undefined>): Promise<void> {
  await Promise.all(clients.map((c) => (c && 'client' in c ? c.client : c)?.endAsync(true) ?? Promise.resolve()));
}

/**
 * Subscribes at QoS 1 and resolves with the granted code. mqtt.js rejects a SUBACK 128 with an
 * error carrying the packet; that is an answer here, not a failure.
 */
export async function grantedQos(recording: RecordingClient, filter: string): Promise<number | undefined> {
  return (await subackCodes(recording.client, [filter]))[0];
}
