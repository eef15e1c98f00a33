import * as amqplib from 'amqplib';
import { deadLetterQueueName } from './topology.js';

export interface DeadLetter {
  messageId: string | undefined;
  /** Where the message was first published. */
  exchange: string | undefined;
  routingKey: string | undefined;
  /** How many times it was dead-lettered from its queue. */
  deaths: number;
  /** The first bytes of the body, as text. */
  sample: string;
}

type Death = { exchange?: string; 'routing-keys'?: string[]; count?: number; queue?: string };

function describe(message: amqplib.GetMessage): DeadLetter {
  const deaths = (message.properties.headers?.['x-death'] as Death[] | undefined) ?? [];
  const first = deaths.at(-1);
  return {
    messageId: message.properties.messageId as string | undefined,
    exchange: first?.exchange,
    routingKey: first?.['routing-keys']?.[0],
    deaths: deaths.reduce((sum, d) => sum + (d.count ?? 1), 0),
    sample: message.content.toString('utf8').slice(0, 300),
  };
}

/** Reads up to `limit` messages of `<queue>.dlq` without removing any (each is put back). */
export async function listDeadLetters(url: string, queue: string, limit = 20): Promise<{ total: number; shown: DeadLetter[] }> {
  const connection = await amqplib.connect(url);
  try {
    const channel = await connection.createChannel();
    const dlq = deadLetterQueueName(queue);
    const { messageCount } = await channel.checkQueue(dlq);
    const held: amqplib.GetMessage[] = [];
    for (let i = 0; i < Math.min(limit, messageCount); i += 1) {
      const message = await channel.get(dlq, { noAck: false });
      if (!message) break;
      held.push(message);
    }
    // Nothing was acked: closing the channel returns them all to the queue in their order.
    await channel.close();
    return { total: messageCount, shown: held.map(describe) };
  } finally {
    await connection.close();
  }
}

/**
 * Moves up to `limit` messages from `<queue>.dlq` back onto `<queue>` (through the default
 * exchange, so only that queue's consumer sees them again, not every service bound to the
 * original exchange). Each is removed from the DLQ only after RabbitMQ confirmed its copy.
 * Fix what made them fail first: a message that still fails goes back to the DLQ.
 */
export async function replayDeadLetters(url: string, queue: string, limit = Number.POSITIVE_INFINITY): Promise<number> {
  const connection = await amqplib.connect(url);
  try {
    const channel = await connection.createConfirmChannel();
    const dlq = deadLetterQueueName(queue);
    await channel.checkQueue(queue);
    let moved = 0;
    while (moved < limit) {
      const message = await channel.get(dlq, { noAck: false });
      if (!message) break;
      const { headers, ...properties } = message.properties;
      const kept = Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => !name.startsWith('x-')));
      channel.publish('', queue, message.content, { ...withoutUndefined(properties), headers: { ...kept, 'x-orderpulse-replayed': describe(message).deaths } });
      await channel.waitForConfirms();
      channel.ack(message);
      moved += 1;
    }
    await channel.close();
    return moved;
  } finally {
    await connection.close();
  }
}

function withoutUndefined(properties: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(properties).filter(([, value]) => value !== undefined));
}
