import { connectAsync, type MqttClient } from 'mqtt';

export interface Received {
  topic: string;
  payload: Record<string, unknown>;
  retain: boolean;
}

/** An mqtt.js subscriber that records every JSON message it receives. */
export class MqttRecorder {
  readonly messages: Received[] = [];

  private constructor(private readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      this.messages.push({ topic, payload: JSON.parse(payload.toString('utf8')) as Record<string, unknown>, retain: packet.retain });
    });
  }

  static async subscribe(url: string, topics: string[]): Promise<MqttRecorder> {
    const client = await connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5_000 });
    const recorder = new MqttRecorder(client);
    await client.subscribeAsync(topics, { qos: 1 });
    return recorder;
  }

  on(topic: string): Received[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}
