import * as amqplib from 'amqplib';
import { orderEventSchema, type OrderEvent } from '@orderpulse/contracts';
import { namespaced } from '@orderpulse/service-kit';
import { waitFor } from '@orderpulse/service-kit/testing';

export interface ReceivedEvent {
  routingKey: string;
  persistent: boolean;
  messageId: string;
  event: OrderEvent;
}

export interface OrdersExchangeProbe {
  received: ReceivedEvent[];
  /** Waits (with a timeout) until a received event matches. */
  waitForEvent(what: string, match: (event: OrderEvent) => boolean): Promise<ReceivedEvent>;
  close(): Promise<void>;
}

/** An exclusive queue of our own bound to the namespaced `orders` exchange with `#`: sees every order event. */
export async function bindOrdersExchangeProbe(url: string, namespace: string): Promise<OrdersExchangeProbe> {
  const connection = await amqplib.connect(url);
  const channel = await connection.createChannel();
  const exchange = namespaced(namespace, 'orders');
  await channel.assertExchange(exchange, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, exchange, '#');
  const received: ReceivedEvent[] = [];
  await channel.consume(
    queue,
    (msg) => {
      if (!msg) return;
      received.push({
        routingKey: msg.fields.routingKey,
        persistent: msg.properties.deliveryMode === 2,
        messageId: msg.properties.messageId as string,
        event: orderEventSchema.parse(JSON.parse(msg.content.toString('utf8'))),
      });
    },
    { noAck: true },
  );
  return {
    received,
    waitForEvent: (what, match) => waitFor(() => received.find((r) => match(r.event)), what, 10_000),
    close: () => connection.close(),
  };
}
