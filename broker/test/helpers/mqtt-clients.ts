import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';

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

export async function endAll(clients: Array<RecordingClient | MqttClient | undefined>): Promise<void> {
  await Promise.all(clients.map((c) => (c && 'client' in c ? c.client : c)?.endAsync(true)));
}
