import * as amqplib from 'amqplib';
import { EXCHANGES, type OrderEvent } from '@orderpulse/contracts';
import { namespaced } from '@orderpulse/service-kit';

/** Publishes to the namespaced `orders` exchange the way orders-service does (persistent, confirmed). */
export class AmqpEvents {
  private constructor(
    private readonly connection: amqplib.ChannelModel,
    private readonly channel: amqplib.ConfirmChannel,
    readonly namespace: string,
  ) {}

  static async connect(url: string, namespace: string): Promise<AmqpEvents> {
    const connection = await amqplib.connect(url);
    return new AmqpEvents(connection, await connection.createConfirmChannel(), namespace);
  }

  async publish(event: OrderEvent): Promise<void> {
    await this.publishRaw(event.type, JSON.stringify(event), event.id);
  }

  async publishRaw(routingKey: string, body: string, messageId?: string): Promise<void> {
    const exchange = namespaced(this.namespace, EXCHANGES.orders);
    this.channel.publish(exchange, routingKey, Buffer.from(body), { persistent: true, contentType: 'application/json', ...(messageId ? { messageId } : {}) });
    await this.channel.waitForConfirms();
  }

  async messagesIn(queue: string): Promise<number> {
    return (await this.channel.checkQueue(namespaced(this.namespace, queue))).messageCount;
  }

  async close(): Promise<void> {
    await this.channel.close();
    await this.connection.close();
  }
}
