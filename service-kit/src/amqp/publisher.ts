import type { ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, Options } from 'amqplib';
import { domainEventSchema, exchangeForEvent, EXCHANGES, statusRoutingKey, type DomainEvent } from '@orderpulse/contracts';
import type { Logger } from '../logger.js';
import type { AmqpConnection } from './connection.js';
import { assertEventExchange, namespaced } from './topology.js';

export interface EventPublisher {
  /** Validates, publishes persistently (a status change also under its status-qualified key) and resolves once RabbitMQ has confirmed the message. */
  publish(event: DomainEvent): Promise<void>;
  close(): Promise<void>;
}

export interface EventPublisherOptions {
  connection: AmqpConnection;
  namespace: string;
  logger: Logger;
  publishTimeoutMs?: number;
  onPublished?: (event: DomainEvent) => void;
}

/**
 * The properties every event is published with: persistent, its id and type, and for a status
 * change a BCC header with its status-qualified key (contracts `statusRoutingKey`). RabbitMQ
 * routes by the BCC keys too and removes the header before delivery.
 */
export function eventPublishOptions(event: DomainEvent): Options.Publish {
  const statusKey = statusRoutingKey(event);
  return {
    persistent: true,
    contentType: 'application/json',
    messageId: event.id,
    timestamp: Math.floor(Date.parse(event.occurredAt) / 1000),
    type: event.type,
    ...(statusKey && { headers: { BCC: [statusKey] } }),
  };
}

export function createEventPublisher(options: EventPublisherOptions): EventPublisher {
  const { connection, namespace, logger } = options;
  const channel: ChannelWrapper = connection.manager.createChannel({
    name: 'event-publisher',
    confirm: true,
    publishTimeout: options.publishTimeoutMs ?? 10_000,
    setup: async (ch: ConfirmChannel) => {
      for (const exchange of Object.values(EXCHANGES)) await assertEventExchange(ch, namespaced(namespace, exchange));
    },
  });
  // A setup that fails (e.g. the channel is closed while it declares the exchanges) is reported
  // as an 'error' event; without a listener that would crash the process.
  channel.on('error', (err: Error) => logger.warn({ err: err.message }, 'event publisher channel error'));
  return {
    async publish(event) {
      const valid = domainEventSchema.parse(event);
      const exchange = namespaced(namespace, exchangeForEvent(valid.type));
      await channel.publish(exchange, valid.type, Buffer.from(JSON.stringify(valid)), eventPublishOptions(valid));
      logger.debug({ eventId: valid.id, orderId: valid.orderId, type: valid.type, version: valid.version }, 'event published');
      options.onPublished?.(valid);
    },
    close: () => channel.close(),
  };
}
