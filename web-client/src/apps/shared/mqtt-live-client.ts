import mqtt from 'mqtt';
import type { z } from 'zod';
import { decodePayload } from './decode-payload.js';
import { BROWSER_KEEPALIVE_SECONDS, topicMatches } from '@orderpulse/contracts';
import { TypedEmitter } from './typed-emitter.js';
import { VersionGate } from './version-gate.js';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface LiveClientEvents extends Record<string, unknown[]> {
  state: [state: ConnectionState];
  /** A payload that was not JSON or failed its schema; it was dropped. */
  invalid: [topic: string, reason: string];
  /** A valid message older than (or as old as) what was already delivered; it was dropped. */
  stale: [topic: string, version: number, latest: number];
  /** The broker refused the subscription (SUBACK 0x80). */
  denied: [topicFilter: string];
  /** The broker refused the connection (CONNACK return code); no retries follow. */
  refused: [reason: string];
  error: [error: Error];
}

/** The part of mqtt.js's client this wrapper uses; tests pass a fake. */
export interface MqttClientLike {
  on(event: 'connect' | 'reconnect' | 'close' | 'offline' | 'end', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'message', listener: (topic: string, payload: Uint8Array) => void): unknown;
  subscribe(topic: string, options: { qos: 0 | 1 }, callback: (error: Error | null, granted?: { topic: string; qos: number }[]) => void): unknown;
  unsubscribe(topic: string): unknown;
  publish(topic: string, message: string, options: { qos: 1; retain: false }, callback: (error?: Error) => void): unknown;
  end(force: boolean, options: object, callback: () => void): unknown;
  reconnect(): unknown;
}

/** The browser's idea of whether there is a network (`navigator.onLine` and its events). */
export interface NetworkStatus {
  isOnline(): boolean;
  /** Calls `listener` when the device goes offline or comes back online. */
  onChange(listener: (online: boolean) => void): void;
}

export const browserNetwork: NetworkStatus = {
  isOnline: () => globalThis.navigator?.onLine ?? true,
  onChange(listener) {
    globalThis.addEventListener?.('online', () => listener(true));
    globalThis.addEventListener?.('offline', () => listener(false));
  },
};

export type ConnectFn = (url: string, options: mqtt.IClientOptions) => MqttClientLike;

export interface LiveClientOptions {
  url: string;
  /** Prefix of the random client id, e.g. `track`. */
  clientIdPrefix: string;
  username?: string;
  password?: string;
  reconnectPeriodMs?: number;
  maxPayloadBytes?: number;
  connect?: ConnectFn;
  /**
   * The QoS every subscription asks for (default 1). The session is clean, so QoS 1 redelivers
   * nothing after a reconnect (retained state and the page's reload do); it costs a PUBACK per
   * message, which a page that gets every order's messages (the admin console) need not send.
   */
  subscribeQos?: 0 | 1;
  /**
   * Whether the device has a network. Offline, the connection is dropped at once (an open
   * WebSocket can outlive the network, and a tunnel should not look live), nothing is retried,
   * and it reconnects as soon as the network is back.
   */
  network?: NetworkStatus;
}

export interface LiveSubscription<T> {
  /** A topic or a topic filter with `+`/`#`. */
  topic: string;
  schema: z.ZodType<T>;
  onMessage: (message: T, topic: string) => void;
  /** Ordering key; defaults to the message's `version`. Without one, every valid message is delivered. */
  versionOf?: (message: T) => number | undefined;
  /** An empty message: the publisher removed the topic's retained state. Without this it counts as invalid. */
  onCleared?: (topic: string) => void;
}

interface ActiveSubscription {
  filter: string;
  deliver: (topic: string, payload: Uint8Array) => void;
}

const defaultVersionOf = (message: unknown): number | undefined => {
  const version = (message as { version?: unknown } | null)?.version;
  return typeof version === 'number' ? version : undefined;
};

/**
 * A browser MQTT client over WebSocket: QoS 1 subscriptions, payloads validated against
 * contracts' schemas, per-topic version ordering and a simple connection state.
 */
export class LiveClient extends TypedEmitter<LiveClientEvents> {
  private readonly client: MqttClientLike;
  private readonly subscriptions = new Set<ActiveSubscription>();
  private readonly maxPayloadBytes: number;
  private readonly subscribeQos: 0 | 1;
  private readonly network: NetworkStatus;
  /** Dropped because the device went offline; reconnect when it is back. */
  private droppedForNetwork = false;
  private current: ConnectionState = 'connecting';
  private everConnected = false;
  private closed = false;
  private refused = false;

  constructor(options: LiveClientOptions) {
    super();
    if (!/^wss?:\/\//.test(options.url)) throw new Error(`MQTT URL must be ws:// or wss:// in the browser, got ${options.url}`);
    this.maxPayloadBytes = options.maxPayloadBytes ?? 64 * 1024;
    this.subscribeQos = options.subscribeQos ?? 1;
    this.network = options.network ?? browserNetwork;
    const connect: ConnectFn = options.connect ?? ((url, opts) => mqtt.connect(url, opts));
    this.client = connect(options.url, {
      clientId: `${options.clientIdPrefix}-${Math.random().toString(36).slice(2, 10)}`,
      protocolVersion: 4,
      clean: true,
      // mqtt.js resubscribes after a reconnect; the broker then resends retained state.
      resubscribe: true,
      reconnectPeriod: options.reconnectPeriodMs ?? 1_000,
      connectTimeout: 10_000,
      keepalive: BROWSER_KEEPALIVE_SECONDS,
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.password !== undefined ? { password: options.password } : {}),
    });
    this.client.on('connect', () => {
      this.everConnected = true;
      this.setState('live');
    });
    this.client.on('reconnect', () => this.setState(this.disconnectedState()));
    this.client.on('offline', () => this.setState(this.disconnectedState()));
    this.client.on('close', () => this.setState(this.disconnectedState()));
    this.client.on('end', () => this.setState('offline'));
    this.client.on('error', (error) => this.onError(error));
    this.client.on('message', (topic, payload) => this.onMessage(topic, payload));
    this.network.onChange((online) => (online ? this.networkBack() : this.networkGone()));
    if (!this.network.isOnline()) this.networkGone();
  }

  private networkGone(): void {
    if (this.closed || this.refused || this.droppedForNetwork) return;
    this.droppedForNetwork = true;
    // Forced: publishes waiting for a PUBACK fail now; callers keep their copy and send it again.
    this.client.end(true, {}, () => this.setState('offline'));
  }

  private networkBack(): void {
    if (!this.droppedForNetwork || this.closed || this.refused) return;
    this.droppedForNetwork = false;
    this.setState(this.everConnected ? 'reconnecting' : 'connecting');
    this.client.reconnect();
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** Subscribes (at the client's subscribeQos); the returned function unsubscribes. */
  subscribe<T>(subscription: LiveSubscription<T>): () => void {
    const entry: ActiveSubscription = { filter: subscription.topic, deliver: this.deliverer(subscription) };
    this.subscriptions.add(entry);
    this.client.subscribe(subscription.topic, { qos: this.subscribeQos }, (error, granted) => {
      if (error) this.emit('error', error);
      else if (granted?.some((g) => g.qos === 0x80)) this.emit('denied', subscription.topic);
    });
    return () => {
      this.subscriptions.delete(entry);
      const stillWanted = [...this.subscriptions].some((s) => s.filter === subscription.topic);
      if (!stillWanted) this.client.unsubscribe(subscription.topic);
    };
  }

  /**
   * Publishes JSON at QoS 1; resolves when the broker acknowledges it. While disconnected mqtt.js
   * queues the message and sends it after reconnecting.
   */
  publish(topic: string, message: unknown): Promise<void> {
    return new Promise((resolve, reject) => {
      this.client.publish(topic, JSON.stringify(message), { qos: 1, retain: false }, (error) => (error ? reject(error) : resolve()));
    });
  }

  close(): Promise<void> {
    this.closed = true;
    return new Promise((resolve) => {
      this.client.end(false, {}, () => {
        this.setState('offline');
        resolve();
      });
    });
  }

  /** Decode, validate, order, deliver; each subscription orders its own topics. */
  private deliverer<T>(subscription: LiveSubscription<T>): (topic: string, payload: Uint8Array) => void {
    const gate = new VersionGate();
    const versionOf = subscription.versionOf ?? defaultVersionOf;
    return (topic, payload) => {
      if (payload.byteLength === 0 && subscription.onCleared) {
        subscription.onCleared(topic);
        return;
      }
      const decoded = decodePayload(payload, subscription.schema, this.maxPayloadBytes);
      if (!decoded.ok) {
        this.emit('invalid', topic, decoded.reason);
        return;
      }
      const version = versionOf(decoded.value);
      if (version !== undefined && !gate.admit(topic, version)) {
        this.emit('stale', topic, version, gate.latestFor(topic) ?? version);
        return;
      }
      subscription.onMessage(decoded.value, topic);
    };
  }

  private onMessage(topic: string, payload: Uint8Array): void {
    for (const { filter, deliver } of this.subscriptions) if (topicMatches(filter, topic)) deliver(topic, payload);
  }

  private onError(error: Error): void {
    // mqtt.js gives CONNACK refusals a numeric code and does not retry them.
    if (typeof (error as { code?: unknown }).code === 'number') {
      this.refused = true;
      this.setState('offline');
      this.emit('refused', error.message);
      return;
    }
    this.emit('error', error);
  }

  private disconnectedState(): ConnectionState {
    if (this.closed || this.refused || this.droppedForNetwork || !this.network.isOnline()) return 'offline';
    return this.everConnected ? 'reconnecting' : 'connecting';
  }

  private setState(next: ConnectionState): void {
    if (next === this.current) return;
    this.current = next;
    this.emit('state', next);
  }
}
