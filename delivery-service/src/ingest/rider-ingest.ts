import { EventEmitter } from 'node:events';
import { connect, type IConnackPacket, type IPublishPacket, type MqttClient } from 'mqtt';
import { Backoff, DependencyUnavailableError, type BackoffOptions, type Logger } from '@orderpulse/service-kit';
import type { RiderMessageHandler, RiderMessageOutcome } from './rider-message-handler.js';
import type { ServiceCredentials } from './service-credentials.js';

/** `+` is a rider id, then a delivery id. */
export const RIDER_REPORT_TOPICS = ['riders/+/deliveries/+/status', 'riders/+/location'];

export interface RiderIngestOptions {
  url: string;
  /** Fixed across restarts: the broker keeps this client's session and queues what riders send meanwhile. */
  clientId: string;
  credentials: ServiceCredentials;
  handle: RiderMessageHandler;
  logger: Logger;
  connectTimeoutMs: number;
  reconnectBackoff?: BackoffOptions;
  /** Between attempts to apply a message whose write failed (store down). */
  retryBackoff?: BackoffOptions;
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

/** One line for a failed first connection: a refused CONNECT is not the same as no broker. */
export function mqttStartFailureMessage(url: string, err: unknown): string {
  if (typeof (err as { code?: unknown })?.code === 'number') {
    return `MQTT broker at ${url} refused delivery-service (${(err as Error).message}): check that it shares JWT_SECRET with delivery-service`;
  }
  return `MQTT broker is not reachable at ${url}: start it (\`node broker/dist/main.js\`) or point MQTT_URL at a running broker`;
}

function firstConnect(client: MqttClient, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const settle = (err?: Error) => {
      clearTimeout(timer);
      client.off('connect', onConnect).off('error', onError).off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onConnect = () => settle();
    const onError = (err: Error) => settle(err);
    const onClose = () => settle(new Error('connection closed'));
    const timer = setTimeout(() => settle(new Error(`no CONNACK within ${timeoutMs} ms`)), timeoutMs);
    client.once('connect', onConnect).once('error', onError).once('close', onClose);
  });
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
  const { url, clientId, credentials, handle, logger } = options;
  const emitter = new EventEmitter<RiderIngestEvents>();
  const reconnectBackoff = new Backoff(options.reconnectBackoff ?? { initialMs: 100, maxMs: 5_000 });
  let client: MqttClient | undefined;
  let stopping = false;
  let everConnected = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();
  const stopSignal = new AbortController();

  const apply = async (packet: IPublishPacket): Promise<boolean> => {
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

  const wire = (mqttClient: MqttClient) => {
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
    mqttClient.on('error', (err) => logger.debug({ err: err.message }, 'MQTT client error'));
    mqttClient.on('connect', (connack: IConnackPacket) => {
      const isReconnect = everConnected;
      if (isReconnect) logger.info({ url, attempts: reconnectBackoff.attempts, sessionPresent: connack.sessionPresent }, 'rider ingest reconnected');
      else logger.info({ url, clientId, sessionPresent: connack.sessionPresent }, 'rider ingest connected');
      everConnected = true;
      reconnectBackoff.reset();
      // The first subscription is made (and awaited) by start(); the session keeps it, and
      // subscribing again after a reconnect covers a broker that lost its sessions.
      if (!isReconnect) return;
      mqttClient.subscribe(RIDER_REPORT_TOPICS, { qos: 1 }, (err) => {
        if (err) logger.error({ err: err.message }, 'subscribing to rider reports failed');
      });
    });
    mqttClient.on('close', () => {
      if (stopping || !everConnected || reconnectTimer) return;
      if (reconnectBackoff.attempts === 0) logger.warn({ url }, 'MQTT connection lost; rider reports queue at the broker; reconnecting with backoff');
      reconnectTimer = setTimeout(() => {
        void credentials
          .current()
          .then(({ username, password }) => {
            mqttClient.options.username = username;
            mqttClient.options.password = password;
          })
          .catch((err: Error) => logger.error({ err: err.message }, 'could not re-sign the service token; reconnecting with the last one'))
          .finally(() => {
            reconnectTimer = undefined;
            if (!stopping) mqttClient.reconnect();
          });
      }, reconnectBackoff.nextDelayMs());
    });
  };

  return Object.assign(emitter, {
    isConnected: () => client?.connected ?? false,
    async start() {
      if (client) throw new Error('rider ingest already started');
      const first = await credentials.current();
      const mqttClient = connect(url, {
        clientId,
        clean: false,
        protocolVersion: 4,
        username: first.username,
        password: first.password,
        keepalive: 15,
        reconnectPeriod: 0,
        resubscribe: false,
        connectTimeout: options.connectTimeoutMs,
      });
      client = mqttClient;
      wire(mqttClient);
      try {
        await firstConnect(mqttClient, options.connectTimeoutMs);
        await mqttClient.subscribeAsync(RIDER_REPORT_TOPICS, { qos: 1 });
      } catch (err) {
        stopping = true;
        await mqttClient.endAsync(true);
        throw new DependencyUnavailableError(mqttStartFailureMessage(url, err));
      }
    },
    async stop() {
      if (stopping || !client) return;
      stopping = true;
      clearTimeout(reconnectTimer);
      stopSignal.abort();
      await inFlight;
      await client.endAsync(!client.connected);
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
