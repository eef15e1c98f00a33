import * as amqplib from 'amqplib';
import { EXCHANGES } from '@orderpulse/contracts';
import { DEAD_LETTER_EXCHANGE, deadLetterQueueName, namespaced } from '../amqp/topology.js';

/**
 * Deletes what a test run declared under `namespace` (the given consumer queues with their
 * dead-letter queues, the event exchanges and the dead-letter exchange), so durable leftovers
 * do not pile up in a shared RabbitMQ.
 */
export async function deleteAmqpNamespace(url: string, namespace: string, queues: string[]): Promise<void> {
  if (!namespace) throw new Error('refusing to delete the un-namespaced production topology');
  const connection = await amqplib.connect(url);
  try {
    const channel = await connection.createChannel();
    for (const queue of queues) {
      await channel.deleteQueue(namespaced(namespace, queue));
      await channel.deleteQueue(deadLetterQueueName(namespaced(namespace, queue)));
    }
    for (const exchange of [...Object.values(EXCHANGES), DEAD_LETTER_EXCHANGE]) {
      await channel.deleteExchange(namespaced(namespace, exchange));
    }
    await channel.close();
  } finally {
    await connection.close();
  }
}

export function testNamespace(prefix = 't'): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
