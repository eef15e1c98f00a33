import type { Options } from 'amqplib';
import { domainEventSchema } from '@orderpulse/contracts';
import { eventPublishOptions } from '../amqp/publisher.js';

/**
 * For tests that publish on the exchanges by hand: a valid event goes out as the services' outboxes
 * send it (a status change also under its status-qualified key), anything else (a string, a broken
 * event) as plain persistent JSON.
 */
export function rawPublishOptions(message: unknown): Options.Publish {
  const event = typeof message === 'object' && message !== null ? domainEventSchema.safeParse(message) : undefined;
  return event?.success ? eventPublishOptions(event.data) : { persistent: true, contentType: 'application/json' };
}
