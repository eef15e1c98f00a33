import * as amqplib from 'amqplib';
import { deliveryEventSchema, type DeliveryEvent } from '@orderpulse/contracts';
import { namespaced } from '@orderpulse/service-kit';
import { rawPublishOptions, waitFor } from '@orderpulse/service-kit/testing';

export interface DeliveryExchangeProbe {
  received: DeliveryEvent[];
  waitForEvent(what: string, match: (event: DeliveryEvent) => boolean): Promise<DeliveryEvent>;
  close(): Promise<void>;
}

/** An exclusive queue of our own bound to the namespaced `delivery` exchange with `#`: sees every delivery event. */
export async function bindDeliveryExchangeProbe(url: string, namespace: string): Promise<DeliveryExchangeProbe> {
  const connection = await amqplib.connect(url);
  const channel = await connection.createChannel();
  const exchange = namespaced(namespace, 'delivery');
  await channel.assertExchange(exchange, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, exchange, '#');
  const received: DeliveryEvent[] = [];
  await channel.consume(queue, (msg) => msg && received.push(deliveryEventSchema.parse(JSON.parse(msg.content.toString('utf8')))), { noAck: true });
  return {
    received,
    waitForEvent: (what, match) => waitFor(() => received.find(match), what, 10_000),
    close: () => connection.close(),
  };
}

export interface RawOrdersPublisher {
  /**
   * Publishes `message` (an object is sent as JSON) on the namespaced `orders` exchange, as
   * orders-service would: a valid event with its publish options (a status change also under its
   * status-qualified key).
   */
  publish(routingKey: string, message: unknown): Promise<void>;
  close(): Promise<void>;
}

export async function rawOrdersPublisher(url: string, namespace: string): Promise<RawOrdersPublisher> {
  const connection = await amqplib.connect(url);
  const channel = await connection.createConfirmChannel();
  const exchange = namespaced(namespace, 'orders');
  await channel.assertExchange(exchange, 'topic', { durable: true });
  return {
    async publish(routingKey, message) {
      const body = Buffer.from(typeof message === 'string' ? message : JSON.stringify(message));
      channel.publish(exchange, routingKey, body, rawPublishOptions(message));
      await channel.waitForConfirms();
    },
    close: () => connection.close(),
  };
}
