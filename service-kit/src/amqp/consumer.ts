import { EventEmitter } from 'node:events';
import { nextTick } from 'node:process';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { z } from 'zod';
import type { Logger } from '../logger.js';
import type { AmqpConnection } from './connection.js';
import { settlementOf } from './settlement.js';
import { assertConsumerQueue, DEAD_LETTER_EXCHANGE, namespaced, type QueueBinding } from './topology.js';

export interface ConsumerEvents<T> {
  acked: [message: T];
  'dead-lettered': [reason: string, raw: string];
  requeued: [message: T, error: Error];
}

export interface EventConsumerOptions<S extends z.ZodType> {
  connection: AmqpConnection;
  namespace: string;
  /** Queue name before namespacing, e.g. `notifier`. */
  queue: string;
  /** Exchange names before namespacing, with their routing patterns. */
  bindings: QueueBinding[];
  /** Patterns an earlier release bound this queue to and this one does not: unbound at start. */
  retiredBindings?: QueueBinding[];
  schema: S;
  handle: (message: z.infer<S>) => Promise<void>;
  logger: Logger;
  prefetch?: number;
  /** Delay before a message whose handler failed is put back, so a failing dependency is not hammered. */
  retryDelayMs?: number;
}

export interface EventConsumer<T> extends EventEmitter<ConsumerEvents<T>> {
  start(): Promise<void>;
  /** Stops taking new messages and waits for the ones in flight to be acked or requeued. */
  stop(): Promise<void>;
  readonly inFlight: number;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/**
 * Durable queue, manual acks, prefetch. A message that is not JSON or fails the schema is
 * rejected without requeue, so RabbitMQ moves it to `<queue>.dlq`; the reason is logged.
 * A handler error is settled by its kind (see settlementOf): unexpected failures, a busy or
 * unavailable store requeue the message after a delay (at-least-once); refusals dead-letter it,
 * conflicts (a stale event) ack it.
 */
export function createEventConsumer<S extends z.ZodType>(options: EventConsumerOptions<S>): EventConsumer<z.infer<S>> {
  type T = z.infer<S>;
  const { connection, namespace, schema, handle, logger } = options;
  const queue = namespaced(namespace, options.queue);
  const inNamespace = (b: QueueBinding): QueueBinding => ({ exchange: namespaced(namespace, b.exchange), pattern: b.pattern });
  const bindings = options.bindings.map(inNamespace);
  const retiredBindings = (options.retiredBindings ?? []).map(inNamespace);
  const emitter = new EventEmitter<ConsumerEvents<T>>();
  const inFlight = new Set<Promise<void>>();
  let channel: ChannelWrapper | undefined;
  let stopping = false;
  // Delivery tags belong to the channel that delivered them. Acking one on a channel created
  // after a reconnect fails with "unknown delivery tag" and closes that channel too, so a
  // message from an older channel is left alone: RabbitMQ redelivers it.
  let generation = 0;
  const generationOf = new WeakMap<ConsumeMessage, number>();
  const current = (msg: ConsumeMessage): boolean => {
    if (channel && generationOf.get(msg) === generation) return true;
    logger.warn({ queue, messageId: msg.properties.messageId }, 'channel replaced since delivery; leaving the message for redelivery');
    return false;
  };
  // Acks are sent at the end of the turn in which their handlers finished, so the ones that
  // finish together go as one frame: `multiple` up to the highest tag of the run of oldest
  // deliveries that are all acked, and one ack each for the rest (a handler still running, or
  // a message waiting to be requeued, holds back every tag above it). Nacks go at once.
  /** Delivery tags of this channel not yet acked or nacked, in delivery (ascending) order. */
  let unsettled = new Set<number>();
  const acksDue = new Map<number, { msg: ConsumeMessage; message: T }>();
  let flushScheduled = false;
  const flushAcks = () => {
    flushScheduled = false;
    if (acksDue.size === 0) return;
    const due = new Map([...acksDue].filter(([, { msg }]) => current(msg)));
    acksDue.clear();
    if (!channel || due.size === 0) return;
    let upTo: ConsumeMessage | undefined;
    let run = 0;
    for (const tag of unsettled) {
      const next = due.get(tag);
      if (!next) break;
      upTo = next.msg;
      run += 1;
    }
    if (upTo && run > 1) {
      channel.ack(upTo, true);
      for (const tag of due.keys()) if (tag <= upTo.fields.deliveryTag) unsettled.delete(tag);
    }
    for (const [tag, { msg }] of due) if (unsettled.delete(tag)) channel.ack(msg);
    for (const { message } of due.values()) {
      try {
        emitter.emit('acked', message);
      } catch (err) {
        logger.error({ queue, err: (err as Error).message }, "an 'acked' listener failed");
      }
    }
  };
  const ack = (msg: ConsumeMessage, message: T) => {
    if (!current(msg)) return;
    acksDue.set(msg.fields.deliveryTag, { msg, message });
    if (!flushScheduled) {
      flushScheduled = true;
      nextTick(flushAcks);
    }
  };
  const nack = (msg: ConsumeMessage, requeue: boolean): boolean => {
    if (!current(msg)) return false;
    unsettled.delete(msg.fields.deliveryTag);
    channel!.nack(msg, false, requeue);
    return true;
  };

  const deadLetter = (msg: ConsumeMessage, reason: string) => {
    const raw = msg.content.toString('utf8');
    logger.error(
      { queue, reason, messageId: msg.properties.messageId, routingKey: msg.fields.routingKey, sample: raw.slice(0, 200) },
      'invalid message moved to the dead-letter queue',
    );
    if (nack(msg, false)) emitter.emit('dead-lettered', reason, raw);
  };

  const process = async (msg: ConsumeMessage) => {
    let json: unknown;
    try {
      json = JSON.parse(msg.content.toString('utf8'));
    } catch (err) {
      deadLetter(msg, `not JSON: ${(err as Error).message}`);
      return;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      deadLetter(msg, `failed validation: ${describeIssues(parsed.error)}`);
      return;
    }
    const message = parsed.data as T;
    try {
      await handle(message);
      ack(msg, message);
    } catch (err) {
      const settlement = settlementOf(err);
      if (settlement.how === 'dead-letter') {
        deadLetter(msg, settlement.reason);
        return;
      }
      if (settlement.how === 'ack') {
        logger.warn({ queue, reason: settlement.reason, ...idsOf(message) }, 'message refused by the domain; acknowledged without applying it');
        ack(msg, message);
        return;
      }
      const error = err as Error;
      const delayMs = settlement.retryAfterMs ?? options.retryDelayMs ?? 500;
      logger.warn({ queue, err: error.message, retryInMs: delayMs, ...idsOf(message) }, 'handler failed; message will be redelivered');
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (nack(msg, true)) emitter.emit('requeued', message, error);
    }
  };

  const onMessage = (msg: ConsumeMessage) => {
    generationOf.set(msg, generation);
    unsettled.add(msg.fields.deliveryTag);
    const work = process(msg).catch((err: Error) => logger.error({ queue, err: err.message }, 'consumer failure'));
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  return Object.assign(emitter, {
    get inFlight() {
      return inFlight.size;
    },
    async start() {
      stopping = false;
      channel = connection.manager.createChannel({
        name: `consumer:${queue}`,
        confirm: false,
        setup: async (ch: ConfirmChannel) => {
          // A new channel: bump the generation here, because amqp-connection-manager re-attaches
          // consumers right after the setups and only then emits 'connect'; messages delivered in
          // between must count as the new channel's, or they would never be acked.
          generation += 1;
          unsettled = new Set();
          await assertConsumerQueue(ch, { queue, deadLetterExchange: namespaced(namespace, DEAD_LETTER_EXCHANGE), bindings, retiredBindings });
        },
      });
      channel.on('error', (err: Error) => logger.warn({ queue, err: err.message }, 'consumer channel error; it is re-created on the next connection'));
      await channel.waitForConnect();
      await channel.consume(queue, onMessage, { noAck: false, prefetch: options.prefetch ?? 32 });
      logger.info({ queue, bindings }, 'consuming');
    },
    async stop() {
      if (!channel || stopping) return;
      stopping = true;
      await channel.cancelAll().catch(() => undefined);
      await Promise.allSettled([...inFlight]);
      flushAcks();
      await channel.close();
      channel = undefined;
    },
  }) as EventConsumer<T>;
}

function idsOf(message: unknown): Record<string, unknown> {
  if (message && typeof message === 'object') {
    const m = message as Record<string, unknown>;
    return { eventId: m.id, orderId: m.orderId, type: m.type, version: m.version };
  }
  return {};
}
