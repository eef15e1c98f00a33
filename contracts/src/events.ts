import { z } from 'zod';
import { isoDateTime, orderNumberSchema, orderSnapshotSchema, statusHistoryEntrySchema } from './order.js';
import { orderStatusSchema } from './order-status.js';

/** Exchanges are topic exchanges; the routing key is the event type. */
export const EXCHANGES = { orders: 'orders', delivery: 'delivery' } as const;
export type ExchangeName = (typeof EXCHANGES)[keyof typeof EXCHANGES];

const envelopeBase = {
  id: z.uuid(),
  orderId: z.uuid(),
  version: z.number().int().min(1),
  occurredAt: isoDateTime,
};

export const orderCreatedEventSchema = z.object({
  ...envelopeBase,
  type: z.literal('order.created'),
  data: orderSnapshotSchema,
});
export type OrderCreatedEvent = z.infer<typeof orderCreatedEventSchema>;

export const orderStatusChangedDataSchema = z.object({
  orderNumber: orderNumberSchema,
  from: orderStatusSchema,
  to: orderStatusSchema,
  trackingNumber: z.string().nullable().optional(),
  note: z.string().max(500).optional(),
  history: z.array(statusHistoryEntrySchema),
});
export const orderStatusChangedEventSchema = z.object({
  ...envelopeBase,
  type: z.literal('order.status_changed'),
  data: orderStatusChangedDataSchema,
});
export type OrderStatusChangedEvent = z.infer<typeof orderStatusChangedEventSchema>;

export const orderEventSchema = z.discriminatedUnion('type', [orderCreatedEventSchema, orderStatusChangedEventSchema]);
export type OrderEvent = z.infer<typeof orderEventSchema>;
export type OrderEventType = OrderEvent['type'];

/** Every event, whichever exchange it travels on. Delivery events join this union. */
export const domainEventSchema = orderEventSchema;
export type DomainEvent = OrderEvent;

export function exchangeForEvent(type: DomainEvent['type']): ExchangeName {
  return type.startsWith('order.') ? EXCHANGES.orders : EXCHANGES.delivery;
}
