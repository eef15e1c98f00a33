import type { Channel, ConfirmChannel } from 'amqplib';

/** Names are prefixed with the namespace so test runs and systems can share a RabbitMQ. */
export function namespaced(namespace: string, name: string): string {
  return namespace ? `${namespace}.${name}` : name;
}

export const DEAD_LETTER_EXCHANGE = 'orderpulse.dlx';

export function deadLetterQueueName(queue: string): string {
  return `${queue}.dlq`;
}

export async function assertEventExchange(channel: Channel | ConfirmChannel, exchange: string): Promise<void> {
  await channel.assertExchange(exchange, 'topic', { durable: true });
}

export interface QueueBinding {
  exchange: string;
  pattern: string;
}

/**
 * A durable queue whose rejected messages go to `<queue>.dlq` through a direct dead-letter
 * exchange, keyed by the queue's name. `retiredBindings`, an earlier release's patterns, are
 * removed from an existing queue.
 */
export async function assertConsumerQueue(
  channel: Channel | ConfirmChannel,
  options: { queue: string; deadLetterExchange: string; bindings: QueueBinding[]; retiredBindings?: QueueBinding[] },
): Promise<void> {
  const { queue, deadLetterExchange, bindings, retiredBindings = [] } = options;
  await channel.assertExchange(deadLetterExchange, 'direct', { durable: true });
  const dlq = deadLetterQueueName(queue);
  await channel.assertQueue(dlq, { durable: true });
  await channel.bindQueue(dlq, deadLetterExchange, queue);
  await channel.assertQueue(queue, {
    durable: true,
    arguments: { 'x-dead-letter-exchange': deadLetterExchange, 'x-dead-letter-routing-key': queue },
  });
  for (const binding of bindings) {
    await assertEventExchange(channel, binding.exchange);
    await channel.bindQueue(queue, binding.exchange, binding.pattern);
  }
  // Removing a binding that is not there is not an error in RabbitMQ.
  for (const binding of retiredBindings) await channel.unbindQueue(queue, binding.exchange, binding.pattern);
}
