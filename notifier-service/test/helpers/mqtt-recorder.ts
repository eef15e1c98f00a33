import { connectAsync, type MqttClient } from 'mqtt';

export interface Received {
  topic: string;
  payload: Record<string, unknown>;
  retain: boolean;
}

/** An mqtt.js subscriber that records every JSON message it receives, and apart the topics whose retained message was cleared. */
export class MqttRecorder {
  readonly messages: Received[] = [];
  /** Topics of the empty messages received (a retained message removed), in order. */
  readonly cleared: string[] = [];

  private constructor(private readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      if (payload.length === 0) {
        this.cleared.push(topic);
        return;
      }
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
