import { EXCHANGES, exchangeForEvent } from '@orderpulse/contracts';
import { createEventConsumer, type AmqpConnection, type EventConsumer, type Logger, type QueueBinding } from '@orderpulse/service-kit';
import { MAIL_ROUTING_KEYS } from '../domain/mail-triggers.js';
import { mailEventSchema, type MailEvent } from './mail-event-schema.js';

export const MAIL_QUEUE = 'mail-service';

/** Only what can send a mail (mail-triggers.ts). */
export const MAIL_BINDINGS: QueueBinding[] = MAIL_ROUTING_KEYS.map((key) => ({ exchange: exchangeForEvent(key), pattern: key }));
/** Every event of both exchanges woke this service before, rider positions included, to send no mail for most. */
export const RETIRED_MAIL_BINDINGS: QueueBinding[] = [
  { exchange: EXCHANGES.orders, pattern: 'order.*' },
  { exchange: EXCHANGES.delivery, pattern: 'delivery.*' },
];

export interface MailConsumerOptions {
  connection: AmqpConnection;
  namespace: string;
  prefetch: number;
  retryDelayMs: number;
  handle: (event: MailEvent) => Promise<void>;
  logger: Logger;
}

/** Queue `mail-service` (namespaced, durable, dead-lettered to `mail-service.dlq`), manual acks. */
export function createMailConsumer(options: MailConsumerOptions): EventConsumer<MailEvent> {
  return createEventConsumer({
    connection: options.connection,
    namespace: options.namespace,
    queue: MAIL_QUEUE,
    bindings: MAIL_BINDINGS,
    retiredBindings: RETIRED_MAIL_BINDINGS,
    schema: mailEventSchema,
    handle: options.handle,
    logger: options.logger,
    prefetch: options.prefetch,
    retryDelayMs: options.retryDelayMs,
  });
}
