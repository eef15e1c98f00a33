import { EventEmitter } from 'node:events';
import type { IPublishPacket, MqttClient } from 'mqtt';
import { Backoff, type BackoffOptions, type Logger } from '@orderpulse/service-kit';
import { connectMqtt, type MqttConnection, type MqttCredentialSource } from '@orderpulse/service-kit/mqtt';
import type { RiderMessageHandler, RiderMessageOutcome } from './rider-message-handler.js';

/** `+` is a rider id, then a delivery id. */
export const RIDER_REPORT_TOPICS = ['riders/+/deliveries/+/status', 'riders/+/location'];
/** Issue 17 point 4: the broker's per-hop receipts (`+` is an order id), kept for replays. */
export const HOP_RECEIPT_TOPICS = ['admin/receipts/+'];

export interface RiderIngestOptions {
  url: string;
  /** Fixed across restarts: the broker keeps this client's session and queues what riders send meanwhile. */
  clientId: string;
  /** Asked before every CONNECT: the service's login with a freshly signed token. */
  credentials: MqttCredentialSource;
  handle: RiderMessageHandler;
  logger: Logger;
  connectTimeoutMs: number;
  reconnectBackoff?: BackoffOptions;
  /** Between attempts to apply a message whose write failed (store down). */
  retryBackoff?: BackoffOptions;
  /** Given: the session also takes HOP_RECEIPT_TOPICS and hands them here (not counted as rider reports); it must not wait on the store. */
  receipts?: (topic: string, payload: Buffer) => void;
}

export interface RiderIngestEvents {
  processed: [outcome: RiderMessageOutcome, topic: string];
}

export interface RiderIngest extends EventEmitter<RiderIngestEvents> {
  /** Connects and subscribes; rejects with DependencyUnavailableError (one line) when the broker is down or refuses. */
  start(): Promise<void>;
  isConnected(): boolean;
  /** Finishes the message being applied, leaves the rest unacknowledged for the next session, disconnects. */
  stop(): Promise<void>;
}

/**
 * Rider reports in over MQTT with a persistent session (`clean: false`, fixed client id, QoS 1).
 * mqtt.js hands over one message at a time and sends its PUBACK only when `handleMessage`
 * calls back, so each report is acknowledged after its state write, and the next one waits:
 * reports are applied serially, in the order the broker delivers them. A write that fails is
 * retried with backoff; on stop it is left unacknowledged and the broker redelivers it.
 * Nothing connects until `start()`, so listeners see the reports queued while it was away.
 */
export function createRiderIngest(options: RiderIngestOptions): RiderIngest {
  const { url, clientId, credentials, handle, logger, receipts } = options;
  // Receipts at QoS 0: the broker neither queues them in the session while the service is away nor waits for
  // a PUBACK, so they add nothing to what rider reports go through (a receipt missed during a restart is a lost time).
  const subscriptions: Record<string, { qos: 0 | 1 }> = {};
  for (const topic of RIDER_REPORT_TOPICS) subscriptions[topic] = { qos: 1 };
  if (receipts) for (const topic of HOP_RECEIPT_TOPICS) subscriptions[topic] = { qos: 0 };
  const emitter = new EventEmitter<RiderIngestEvents>();
  let starting: Promise<void> | undefined;
  let connection: MqttConnection | undefined;
  let stopping = false;
  let inFlight: Promise<unknown> = Promise.resolve();
  const stopSignal = new AbortController();

  const apply = async (packet: IPublishPacket): Promise<boolean> => {
    if (receipts && packet.topic.startsWith('admin/receipts/')) {
      receipts(packet.topic, Buffer.from(packet.payload));
      return true;
    }
    const retry = new Backoff(options.retryBackoff ?? { initialMs: 100, maxMs: 5_000 });
    while (!stopping) {
      try {
        const outcome = await handle(packet.topic, Buffer.from(packet.payload));
        emitter.emit('processed', outcome, packet.topic);
        return true;
      } catch (err) {
        logger.warn({ topic: packet.topic, err: (err as Error).message, attempt: retry.attempts + 1 }, 'could not apply rider report; retrying');
        await abortableDelay(retry.nextDelayMs(), stopSignal.signal);
      }
    }
    return false;
  };

  const takeMessages = (mqttClient: MqttClient) => {
    mqttClient.handleMessage = (packet, callback) => {
      if (stopping) return; // not acknowledged: the broker redelivers it to the next session
      // A PUBACK belongs to the connection that delivered the message; after a reconnect the
      // broker resends it and the repeat is recognised as one.
      const stream = mqttClient.stream;
      const work = apply(packet).then((applied) => {
        if (applied && mqttClient.stream === stream) callback();
      });
      inFlight = work.catch(() => undefined);
    };
  };

  return Object.assign(emitter, {
    isConnected: () => connection?.isConnected() ?? false,
    start() {
      if (starting) return Promise.reject(new Error('rider ingest already started'));
      starting = connectMqtt({
        url,
        clientId,
        credentials,
        logger,
        connectTimeoutMs: options.connectTimeoutMs,
        clean: false,
        who: 'delivery-service',
        log: {
          connected: 'rider ingest connected',
          reconnected: 'rider ingest reconnected',
          lost: 'MQTT connection lost; rider reports queue at the broker; reconnecting with backoff',
        },
        ...(options.reconnectBackoff ? { reconnectBackoff: options.reconnectBackoff } : {}),
        prepare: takeMessages,
        // The first subscription is part of start-up; the session keeps it, and subscribing again
        // after a reconnect covers a broker that lost its sessions.
        afterFirstConnect: async (client) => void (await client.subscribeAsync(subscriptions)),
        onConnect: ({ reconnect, client }) => {
          if (!reconnect) return;
          client.subscribe(subscriptions, (err) => {
            if (err) logger.error({ err: err.message }, 'subscribing to rider reports failed');
          });
        },
      }).then(
        (opened) => {
          connection = opened;
        },
        (err: unknown) => {
          stopping = true; // whatever it took before failing stays unacknowledged
          throw err;
        },
      );
      return starting;
    },
    async stop() {
      await starting?.catch(() => undefined);
      if (stopping || !connection) return;
      stopping = true;
      stopSignal.abort();
      await inFlight;
      await connection.close();
    },
  }) as RiderIngest;
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
