import * as amqplib from 'amqplib';
import { EXCHANGES } from '@orderpulse/contracts';
import { namespaced } from '@orderpulse/service-kit';
import { nowMs } from '../lib/index.js';

/**
 * A passive listener on the `orders` exchange: an exclusive, auto-deleted, server-named queue
 * bound to `order.status_changed`, so it sees each event when RabbitMQ routes it (the moment the
 * notifier's queue gets it too). It separates "orders-service outbox → RabbitMQ" from
 * "notifier → broker → customer" in the per-hop figures. It costs RabbitMQ one extra, non-durable
 * queue; BENCH_TAP=0 leaves it out.
 */
export class AmqpTap {
  /** `${orderId}:${version}` → when the tap received it (nowMs). */
  readonly seen = new Map<string, number>();

  private constructor(private readonly connection: amqplib.ChannelModel) {}

  static async open(url: string, namespace: string): Promise<AmqpTap> {
    const connection = await amqplib.connect(url);
    const tap = new AmqpTap(connection);
    const channel = await connection.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
    await channel.bindQueue(queue, namespaced(namespace, EXCHANGES.orders), 'order.status_changed');
    await channel.consume(
      queue,
      (message) => {
        if (!message) return;
        const at = nowMs();
        try {
          const event = JSON.parse(message.content.toString('utf8')) as { orderId?: string; version?: number };
          if (event.orderId && typeof event.version === 'number') {
            const key = `${event.orderId}:${event.version}`;
            if (!tap.seen.has(key)) tap.seen.set(key, at);
          }
        } catch {
          // not ours to judge
        }
      },
      { noAck: true },
    );
    return tap;
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}
