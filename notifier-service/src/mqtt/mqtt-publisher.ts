import { withDeadline, type BackoffOptions, type Logger } from '@orderpulse/service-kit';
import { connectMqtt, type MqttCredentialSource } from '@orderpulse/service-kit/mqtt';
import { BoundedLru } from '../ledger/bounded-lru.js';
import type { MqttMessage } from '../messages/mqtt-message.js';

export interface MqttPublisherOptions {
  url: string;
  clientId: string;
  /** Asked before every CONNECT, so a reconnect presents a freshly signed token. */
  credentials: MqttCredentialSource;
  logger: Logger;
  connectTimeoutMs: number;
  /** Budget for one publish: waiting for a connection plus waiting for the PUBACK. */
  publishTimeoutMs: number;
  reconnectBackoff?: BackoffOptions;
  /** Retained topics whose last message is kept to publish again after a reconnect. */
  retainedMemoryCapacity?: number;
  onPubAck?: (message: MqttMessage, seconds: number) => void;
}

export interface MqttPublisher {
  /** Publishes at QoS 1; resolves only once the broker's PUBACK is in, rejects on timeout. */
  publish(message: MqttMessage): Promise<void>;
  isConnected(): boolean;
  close(): Promise<void>;
}

/**
 * The notifier's MQTT connection (service-kit's lifecycle: connected before this resolves, else
 * DependencyUnavailableError; reconnects with backoff and a fresh token), publishing at QoS 1.
 */
export async function connectMqttPublisher(options: MqttPublisherOptions): Promise<MqttPublisher> {
  const { logger, publishTimeoutMs } = options;
  // A broker that restarted without shared storage has lost every retained message: a page
  // opening then would find no state. The last retained message of each topic is kept and sent
  // again on every reconnect, before any publish that waited for the connection (onConnect runs
  // first), so nothing older overtakes something newer. Clients drop the repeat by version.
  const retained = new BoundedLru<string, MqttMessage>(options.retainedMemoryCapacity ?? 100_000);
  const connection = await connectMqtt({
    url: options.url,
    clientId: options.clientId,
    credentials: options.credentials,
    logger,
    connectTimeoutMs: options.connectTimeoutMs,
    clean: true,
    who: 'the connection',
    log: { connected: 'connected to the MQTT broker', reconnected: 'reconnected to the MQTT broker', lost: 'MQTT connection lost; reconnecting with backoff' },
    ...(options.reconnectBackoff ? { reconnectBackoff: options.reconnectBackoff } : {}),
    onConnect: ({ reconnect, client }) => {
      if (!reconnect) return;
      for (const message of retained.values()) {
        client.publish(message.topic, message.payload, { qos: 1, retain: true }, (err) => {
          if (err) logger.warn({ topic: message.topic, err: err.message }, 'retained state not republished; the next change of that topic restores it');
        });
      }
      return { retainedRepublished: retained.size };
    },
  });
  const { client } = connection;

  return {
    async publish(message) {
      const deadline = performance.now() + publishTimeoutMs;
      await connection.whenConnected(deadline - performance.now());
      if (message.retain) retained.set(message.topic, message);
      const sent = performance.now();
      const acked = client.publishAsync(message.topic, message.payload, { qos: 1, retain: message.retain });
      await withDeadline(acked, deadline - sent, `PUBACK for ${message.topic}`);
      options.onPubAck?.(message, (performance.now() - sent) / 1000);
    },
    isConnected: connection.isConnected,
    close: connection.close,
  };
}
