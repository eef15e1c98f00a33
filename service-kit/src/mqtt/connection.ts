import { connect, type IConnackPacket, type MqttClient } from 'mqtt';
import { Backoff, type BackoffOptions } from '../amqp/backoff.js';
import { DependencyUnavailableError } from '../amqp/connection.js';
import { withDeadline } from '../deadline.js';
import type { Logger } from '../logger.js';
import type { MqttCredentialSource } from './service-credentials.js';

/** The lines a connection logs, in the words of the service that owns it. */
export interface MqttConnectionLogLines {
  /** First CONNACK: with url and clientId (and sessionPresent for a persistent session). */
  connected: string;
  /** A CONNACK after a loss: with url and attempts (and sessionPresent), plus what onConnect adds. */
  reconnected: string;
  /** The connection dropped: with url, once per outage. */
  lost: string;
}

export interface MqttConnectionOptions {
  url: string;
  clientId: string;
  /** Asked before every CONNECT, so a reconnect presents a freshly signed token. */
  credentials: MqttCredentialSource;
  logger: Logger;
  connectTimeoutMs: number;
  /** false: a persistent session (the broker keeps the subscriptions and queues QoS 1 messages while away). */
  clean: boolean;
  /** Who the broker refused, in the start-up line: `MQTT broker at <url> refused <who> (…)`. */
  who: string;
  log: MqttConnectionLogLines;
  reconnectBackoff?: BackoffOptions;
  /** Wires the client (e.g. its message handling) before the first CONNECT goes out. */
  prepare?: (client: MqttClient) => void;
  /** Part of start-up, after the first CONNACK (e.g. subscribing): when it fails, start-up fails. */
  afterFirstConnect?: (client: MqttClient) => Promise<void>;
  /** Runs on every CONNACK before anything waiting for the connection; returns fields for the log line. */
  onConnect?: (event: { reconnect: boolean; connack: IConnackPacket; client: MqttClient }) => Record<string, unknown> | void;
}

export interface MqttConnection {
  readonly client: MqttClient;
  isConnected(): boolean;
  /** Resolves at once while connected, else at the next CONNACK; rejects after `timeoutMs`. */
  whenConnected(timeoutMs: number): Promise<void>;
  /** Stops reconnecting and disconnects (at once when the connection is down). */
  close(): Promise<void>;
}

/** One line for a failed first connection: a refused CONNECT is not the same as no broker. */
export function mqttStartFailureMessage(url: string, err: unknown, who: string, settings: string): string {
  // mqtt.js gives a CONNACK refusal a numeric return code; socket errors carry string codes.
  if (typeof (err as { code?: unknown })?.code === 'number') {
    return `MQTT broker at ${url} refused ${who} (${(err as Error).message}): check ${settings}`;
  }
  return `MQTT broker is not reachable at ${url}: start it (\`node broker/dist/main.js\`) or point MQTT_URL at a running broker`;
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
 * Nagle's algorithm off on the client's socket (mqtt.js leaves it on; a WebSocket stream has no
 * such switch, and ws turns it off itself). A service publishes at QoS 1 and waits for each
 * PUBACK: with Nagle on, its next small write waited for the broker's delayed ACK (40 ms), and
 * the notifier's PUBACKs took 25–50 ms at 1,000 updates/s, which capped it at ~900 events a
 * second with 32 in flight.
 */
function sendWithoutDelay(client: Pick<MqttClient, 'stream'>): void {
  const socket = client.stream as unknown as { setNoDelay?: (noDelay: boolean) => unknown };
  socket.setNoDelay?.(true);
}

/**
 * One mqtt.js client for a service, connected before this resolves (else one
 * DependencyUnavailableError line saying whether the broker is missing or refused the login). After
 * that it reconnects by itself with capped exponential backoff and fresh credentials for each
 * CONNECT; mqtt.js only knows a fixed period, so its own reconnect is off and `reconnect()` is
 * called from here.
 */
export async function connectMqtt(options: MqttConnectionOptions): Promise<MqttConnection> {
  const { url, clientId, credentials, logger } = options;
  const client = connect(url, {
    ...(await credentials.next()),
    clientId,
    protocolVersion: 4,
    clean: options.clean,
    keepalive: 15,
    reconnectPeriod: 0,
    resubscribe: false,
    connectTimeout: options.connectTimeoutMs,
  });
  options.prepare?.(client);
  const backoff = new Backoff(options.reconnectBackoff ?? { initialMs: 100, maxMs: 5_000 });
  const session = (connack: IConnackPacket) => (options.clean ? {} : { sessionPresent: connack.sessionPresent });
  let closing = false;
  let everConnected = false;
  let reconnectTimer: NodeJS.Timeout | undefined;

  client.on('error', (err) => logger.debug({ err: err.message }, 'MQTT client error'));
  // Registered before anyone can wait for a connection, so onConnect runs before them.
  client.on('connect', (connack: IConnackPacket) => {
    sendWithoutDelay(client);
    const reconnect = everConnected;
    const extra = options.onConnect?.({ reconnect, connack, client }) ?? {};
    if (reconnect) logger.info({ url, attempts: backoff.attempts, ...session(connack), ...extra }, options.log.reconnected);
    else logger.info({ url, clientId, ...session(connack), ...extra }, options.log.connected);
    everConnected = true;
    backoff.reset();
  });
  const scheduleReconnect = () => {
    if (closing || !everConnected || reconnectTimer) return;
    const delay = backoff.nextDelayMs();
    if (backoff.attempts === 1) logger.warn({ url }, options.log.lost);
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
    await options.afterFirstConnect?.(client);
  } catch (err) {
    closing = true;
    await client.endAsync(true);
    throw new DependencyUnavailableError(mqttStartFailureMessage(url, err, options.who, credentials.settings));
  }

  return {
    client,
    isConnected: () => client.connected,
    whenConnected(timeoutMs) {
      if (client.connected) return Promise.resolve();
      let onConnect!: () => void;
      const connected = new Promise<void>((resolve) => (onConnect = () => resolve()));
      client.once('connect', onConnect);
      return withDeadline(connected, timeoutMs, 'waiting for the MQTT broker').finally(() => client.off('connect', onConnect));
    },
    async close() {
      closing = true;
      clearTimeout(reconnectTimer);
      await client.endAsync(!client.connected);
    },
  };
}
