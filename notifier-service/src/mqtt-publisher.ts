import { connect, type MqttClient } from 'mqtt';
import { Backoff, DependencyUnavailableError, type BackoffOptions, type Logger } from '@orderpulse/service-kit';
import { BoundedLru } from './bounded-lru.js';
import { withDeadline } from './deadline.js';
import type { MqttCredentialSource } from './mqtt-credentials.js';
import type { MqttMessage } from './mqtt-message.js';

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

/** One line for a failed first connection: a refused CONNECT is not the same as no broker. */
export function mqttStartFailureMessage(url: string, err: unknown, credentialSettings: string): string {
  // mqtt.js gives a CONNACK refusal a numeric return code; socket errors carry string codes.
  if (typeof (err as { code?: unknown })?.code === 'number') {
    return `MQTT broker at ${url} refused the connection (${(err as Error).message}): check ${credentialSettings}`;
  }
  return `MQTT broker is not reachable at ${url}: start it (\`node broker/dist/main.js\`) or point MQTT_URL at a running broker`;
}

function nextConnect(client: MqttClient, timeoutMs: number): Promise<void> {
  if (client.connected) return Promise.resolve();
  let onConnect!: () => void;
  const connected = new Promise<void>((resolve) => (onConnect = resolve));
  client.once('connect', onConnect);
  return withDeadline(connected, timeoutMs, 'waiting for the MQTT broker').finally(() => client.off('connect', onConnect));
}

/** Start-up does not retry: the first refused, failed or timed-out attempt is final. */
function firstConnect(client: MqttClient, timeoutMs: number): Promise<void> {
  let settle!: (err?: Error) => void;
  const outcome = new Promise<void>((resolve, reject) => (settle = (err) => (err ? reject(err) : resolve())));
  const onConnect = () => settle();
  const onError = (err: Error) => settle(err);
  const onClose = () => settle(new Error('connection closed'));
  client.once('connect', onConnect).once('error', onError).once('close', onClose);
  return withDeadline(outcome, timeoutMs, 'connecting to the MQTT broker').finally(() => {
    client.off('connect', onConnect).off('error', onError).off('close', onClose);
  });
}

/**
 * One mqtt.js client, connected before this resolves (else DependencyUnavailableError). It
 * reconnects by itself with capped exponential backoff; mqtt.js only knows a fixed period, so
 * its own reconnect is off and `reconnect()` is called from here.
 */
export async function connectMqttPublisher(options: MqttPublisherOptions): Promise<MqttPublisher> {
  const { url, logger, publishTimeoutMs, credentials } = options;
  const client = connect(url, {
    ...(await credentials.next()),
    clientId: options.clientId,
    protocolVersion: 4,
    clean: true,
    keepalive: 15,
    reconnectPeriod: 0,
    connectTimeout: options.connectTimeoutMs,
  });
  const backoff = new Backoff(options.reconnectBackoff ?? { initialMs: 100, maxMs: 5_000 });
  // A broker that restarted without shared storage has lost every retained message: a page
  // opening then would find no state. The last retained message of each topic is kept and sent
  // again on every reconnect, before any publish that waited for the connection (this listener
  // runs first), so nothing older overtakes something newer. Clients drop the repeat by version.
  const retained = new BoundedLru<string, MqttMessage>(options.retainedMemoryCapacity ?? 100_000);
  let closing = false;
  let everConnected = false;
  let reconnectTimer: NodeJS.Timeout | undefined;

  client.on('error', (err) => logger.debug({ err: err.message }, 'MQTT client error'));
  client.on('connect', () => {
    if (everConnected) {
      logger.info({ url, attempts: backoff.attempts, retainedRepublished: retained.size }, 'reconnected to the MQTT broker');
      for (const message of retained.values()) {
        client.publish(message.topic, message.payload, { qos: 1, retain: true }, (err) => {
          if (err) logger.warn({ topic: message.topic, err: err.message }, 'retained state not republished; the next change of that topic restores it');
        });
      }
    } else logger.info({ url, clientId: options.clientId }, 'connected to the MQTT broker');
    everConnected = true;
    backoff.reset();
  });
  const scheduleReconnect = () => {
    if (closing || !everConnected || reconnectTimer) return;
    const delay = backoff.nextDelayMs();
    if (backoff.attempts === 1) logger.warn({ url }, 'MQTT connection lost; reconnecting with backoff');
    reconnectTimer = setTimeout(() => void reconnect(), delay);
  };
  // mqtt.js builds each CONNECT from `client.options`, so new credentials go there first.
  const reconnect = async () => {
    try {
      const { username, password } = await credentials.next();
      Object.assign(client.options, { username, password });
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'could not get MQTT credentials; trying again with backoff');
      reconnectTimer = undefined;
      scheduleReconnect();
      return;
    }
    reconnectTimer = undefined;
    if (!closing) client.reconnect();
  };
  client.on('close', scheduleReconnect);

  try {
    await firstConnect(client, options.connectTimeoutMs);
  } catch (err) {
    closing = true;
    await client.endAsync(true);
    throw new DependencyUnavailableError(mqttStartFailureMessage(url, err, credentials.settings));
  }

  return {
    async publish(message) {
      const deadline = performance.now() + publishTimeoutMs;
      await nextConnect(client, deadline - performance.now());
      if (message.retain) retained.set(message.topic, message);
      const sent = performance.now();
      const acked = client.publishAsync(message.topic, message.payload, { qos: 1, retain: message.retain });
      await withDeadline(acked, deadline - sent, `PUBACK for ${message.topic}`);
      options.onPubAck?.(message, (performance.now() - sent) / 1000);
    },
    isConnected: () => client.connected,
    async close() {
      closing = true;
      clearTimeout(reconnectTimer);
      await client.endAsync(!client.connected);
    },
  };
}
