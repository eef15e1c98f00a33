import * as amqplib from 'amqplib';
import { EXCHANGES, exchangeForEvent, type DomainEvent, type ExchangeName } from '@orderpulse/contracts';
import { namespaced } from '@orderpulse/service-kit';

/** Publishes to the namespaced event exchanges the way the services do (persistent, confirmed). */
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

  /** On `orders` for order.*, on `delivery` for delivery.*. */
  async publish(event: DomainEvent): Promise<void> {
    await this.publishRaw(event.type, JSON.stringify(event), event.id, exchangeForEvent(event.type));
  }

  async publishRaw(routingKey: string, body: string, messageId?: string, exchange: ExchangeName = EXCHANGES.orders): Promise<void> {
    this.channel.publish(namespaced(this.namespace, exchange), routingKey, Buffer.from(body), {
      persistent: true,
      contentType: 'application/json',
      ...(messageId ? { messageId } : {}),
    });
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
