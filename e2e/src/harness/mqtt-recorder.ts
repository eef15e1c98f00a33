import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

export interface ReceivedMessage {
  topic: string;
  payload: Record<string, unknown>;
  retained: boolean;
  receivedAt: number;
}

/** An mqtt.js client that records what it receives, for tests to wait on. */
export class MqttRecorder {
  readonly messages: ReceivedMessage[] = [];
  private waiters = new Set<() => void>();

  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
      } catch {
        parsed = { unparseable: payload.toString('utf8') };
      }
      this.messages.push({ topic, payload: parsed, retained: packet.retain, receivedAt: performance.timeOrigin + performance.now() });
      for (const wake of this.waiters) wake();
    });
  }

  static async connect(url: string, topics: string[], options: IClientOptions = {}): Promise<MqttRecorder> {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 200, connectTimeout: 5_000, ...options });
    const recorder = new MqttRecorder(client);
    if (topics.length) {
      const granted = await client.subscribeAsync(topics, { qos: 1 });
      const refused = granted.filter((g) => g.qos === 128);
      if (refused.length) throw new Error(`subscription refused: ${refused.map((g) => g.topic).join(', ')}`);
    }
    return recorder;
  }

  on(topic: string): ReceivedMessage[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  /** Resolves once `check` over the received messages returns a value; fails after `timeoutMs`. */
  waitFor<T>(check: (messages: ReceivedMessage[]) => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        const value = check(this.messages);
        if (value === undefined || value === false) return false;
        cleanup();
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; received: ${JSON.stringify(this.messages.map((m) => [m.topic, m.payload.status ?? m.payload.type, m.payload.version]))}`,
          ),
        );
      }, timeoutMs);
      const wake = () => void attempt();
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
      };
      this.waiters.add(wake);
      attempt();
    });
  }

  close(): Promise<void> {
    return this.client.endAsync();
  }
}
