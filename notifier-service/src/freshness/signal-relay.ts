import { parseTopic, riderAssignmentsMessageSchema, riderPresenceMessageSchema } from '@orderpulse/contracts';
import type { Logger } from '@orderpulse/service-kit';
import { connectMqtt, type MqttCredentialSource } from '@orderpulse/service-kit/mqtt';
import type { MqttMessage } from '../messages/mqtt-message.js';
import type { NotifierMetrics } from '../metrics.js';
import type { MqttPublisher } from '../mqtt/mqtt-publisher.js';
import { RiderSignals } from './rider-signals.js';

/** What the relay listens to: the broker's presence, the riders' heartbeats, and the notifier's own assignment lists. */
export const SIGNAL_TOPICS = ['riders/+/presence', 'riders/+/heartbeat', 'riders/+/assignments'];

export interface SignalRelayOptions {
  url: string;
  clientId: string;
  credentials: MqttCredentialSource;
  publisher: MqttPublisher;
  logger: Logger;
  metrics: Pick<NotifierMetrics, 'published'>;
  connectTimeoutMs: number;
  minIntervalMs: number;
  capacity?: number;
  clock?: () => number;
}

export interface SignalRelay {
  isConnected(): boolean;
  close(): Promise<void>;
}

/**
 * Subscribes (a clean session of its own) to SIGNAL_TOPICS and publishes each order's signal
 * through the notifier's publisher. A publish that fails is logged and not retried: the next
 * heartbeat or presence change publishes the state again. Every notifier instance relays (each
 * gets every heartbeat), so with several the same retained message is written more than once.
 */
export async function startSignalRelay(options: SignalRelayOptions): Promise<SignalRelay> {
  const { publisher, logger, metrics } = options;
  const clock = options.clock ?? Date.now;
  const signals = new RiderSignals({ minIntervalMs: options.minIntervalMs, capacity: options.capacity ?? 50_000 });

  const publishAll = (messages: MqttMessage[], riderId: string) => {
    for (const message of messages) {
      publisher.publish(message).then(
        () => metrics.published.inc({ kind: message.kind }),
        (err: Error) =>
          logger.warn(
            { riderId, topic: message.topic, err: err.message },
            'rider signal not published; the next heartbeat or presence change publishes it again',
          ),
      );
    }
  };

  const onMessage = (topic: string, payload: Buffer) => {
    const parsed = parseTopic(topic);
    if (!parsed || !('riderId' in parsed)) return;
    const { riderId } = parsed;
    try {
      if (parsed.kind === 'rider-heartbeat') return publishAll(signals.heartbeat(riderId, clock()), riderId);
      if (payload.length === 0) return;
      if (parsed.kind === 'rider-presence') {
        const presence = riderPresenceMessageSchema.parse(JSON.parse(payload.toString('utf8')));
        if (presence.riderId === riderId) publishAll(signals.presence(presence), riderId);
        return;
      }
      if (parsed.kind === 'rider-assignments') {
        const assignments = riderAssignmentsMessageSchema.parse(JSON.parse(payload.toString('utf8')));
        if (assignments.riderId === riderId) publishAll(signals.assignments(assignments), riderId);
      }
    } catch (err) {
      logger.debug({ riderId, topic, err: (err as Error).message }, 'ignored an invalid rider signal message');
    }
  };

  const subscribe = (client: { subscribe: (topics: string[], opts: { qos: 0 }, cb: (err?: Error | null) => void) => unknown }) =>
    client.subscribe(SIGNAL_TOPICS, { qos: 0 }, (err) => {
      if (err) logger.error({ err: err.message }, 'subscribing to rider signals failed');
    });

  const connection = await connectMqtt({
    url: options.url,
    clientId: options.clientId,
    credentials: options.credentials,
    logger,
    connectTimeoutMs: options.connectTimeoutMs,
    clean: true,
    who: 'the rider signal connection',
    log: {
      connected: 'rider signal relay connected',
      reconnected: 'rider signal relay reconnected',
      lost: 'rider signal relay connection lost; reconnecting with backoff',
    },
    prepare: (client) => client.on('message', onMessage),
    afterFirstConnect: async (client) => void (await client.subscribeAsync(SIGNAL_TOPICS, { qos: 0 })),
    onConnect: ({ reconnect, client }) => {
      if (reconnect) subscribe(client);
    },
  });
  return { isConnected: connection.isConnected, close: connection.close };
}
