import { connect, type AmqpConnectionManager } from 'amqp-connection-manager';
import type { Logger } from '../logger.js';
import { Backoff } from './backoff.js';
import { coalesceFrameWrites } from './coalesce-frames.js';

export interface AmqpConnectionOptions {
  url: string;
  logger: Logger;
  /** Shown in RabbitMQ's connection list. */
  name: string;
  backoff?: { initialMs: number; maxMs: number };
  heartbeatSeconds?: number;
}

export interface AmqpConnection {
  readonly manager: AmqpConnectionManager;
  isConnected(): boolean;
  /** Resolves once connected; rejects with a one-line, actionable error after `timeoutMs`. */
  waitUntilConnected(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable AMQP_URL>';
  }
}

export class DependencyUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DependencyUnavailableError';
  }
}

export function amqpUnreachableMessage(url: string): string {
  return `RabbitMQ is not reachable at ${redactUrl(url)}: start it (e.g. \`rabbitmq-server -detached\`) ` + `or point AMQP_URL at a running broker`;
}

/**
 * A RabbitMQ connection that reconnects by itself: the first attempt after the connection drops
 * goes at once, later ones after capped exponential backoff with jitter. amqp-connection-manager
 * only knows a fixed retry interval (and falls back to the heartbeat interval, 5 s, when given
 * 0), so that interval is set to a millisecond and the delay is applied in its `findServers`
 * hook, which it calls before every attempt.
 */
export function createAmqpConnection(options: AmqpConnectionOptions): AmqpConnection {
  const { url, logger, name } = options;
  const backoff = new Backoff(options.backoff ?? { initialMs: 200, maxMs: 10_000 });
  /** Set at start and whenever the connection drops: the next attempt waits for nothing. */
  let immediate = true;
  const manager = connect(null, {
    heartbeatIntervalInSeconds: options.heartbeatSeconds ?? 5,
    reconnectTimeInSeconds: 0.001,
    findServers: async () => {
      if (!immediate) {
        const delay = backoff.nextDelayMs();
        // Unref'd: a retry pending when the connection is closed must not keep the process alive.
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
      immediate = false;
      return url;
    },
    // noDelay: Nagle off, as for MQTT (mqtt/connection.ts): acks, publishes and confirms are small awaited writes.
    connectionOptions: { noDelay: true, clientProperties: { connection_name: name } },
  });
  manager.on('connect', ({ connection }) => {
    // Frames queued in one turn of the event loop (acks, publishes) leave in one socket write.
    if (!coalesceFrameWrites(connection)) logger.debug('amqplib internals not recognised; AMQP frames are written one by one');
    if (backoff.attempts > 0) logger.info({ attempts: backoff.attempts }, 'reconnected to RabbitMQ');
    else logger.info({ url: redactUrl(url) }, 'connected to RabbitMQ');
    backoff.reset();
  });
  manager.on('disconnect', ({ err }) => {
    immediate = true;
    logger.warn({ err: err?.message }, 'RabbitMQ connection lost; reconnecting at once, then with backoff');
  });
  manager.on('connectFailed', ({ err }) => {
    logger.debug({ err: err?.message, attempt: backoff.attempts }, 'RabbitMQ connection attempt failed');
  });
  manager.on('blocked', ({ reason }) => logger.warn({ reason }, 'RabbitMQ blocked this connection (resource alarm)'));
  manager.on('unblocked', () => logger.info('RabbitMQ unblocked this connection'));

  return {
    manager,
    isConnected: () => manager.isConnected(),
    async waitUntilConnected(timeoutMs) {
      try {
        await manager.connect({ timeout: timeoutMs });
      } catch {
        throw new DependencyUnavailableError(amqpUnreachableMessage(url));
      }
    },
    close: () => manager.close(),
  };
}
