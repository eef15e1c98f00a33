import { z } from 'zod';
import { isoDateTime, orderNumberSchema, orderSnapshotSchema, statusHistoryEntrySchema } from './order.js';
import { orderStatusSchema, type OrderStatus } from './order-status.js';
import type { DeliveryStatus } from './delivery-status.js';
import { deliverySnapshotSchema, etaSchema, positionSchema, riderIdSchema } from './delivery.js';

/**
 * Exchanges are topic exchanges; the routing key is the event type. A status change also goes
 * under its status-qualified key (`statusRoutingKey`), so a queue can bind only the statuses it acts on.
 */
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

/** Delivery events: `orderId` is the delivery's order, `version` the delivery's own version. */
const deliverySnapshotEvent = <
  T extends
    | 'delivery.created'
    | 'delivery.assigned'
    | 'delivery.status_changed'
    | 'delivery.arriving'
    | 'delivery.proof_updated'
    | DeliveryLatenessEventType
    | DeliveryStopsEventType,
>(
  type: T,
) => z.object({ ...envelopeBase, type: z.literal(type), data: deliverySnapshotSchema });

export const deliveryCreatedEventSchema = deliverySnapshotEvent('delivery.created');
export const deliveryAssignedEventSchema = deliverySnapshotEvent('delivery.assigned');
export const deliveryStatusChangedEventSchema = deliverySnapshotEvent('delivery.status_changed');
/** The rider came within the arrival radius of the address: once per delivery, the snapshot with `arrivingAt` set. */
export const deliveryArrivingEventSchema = deliverySnapshotEvent('delivery.arriving');
/** The proof of delivery changed: a PIN entered (right or wrong), locked or unlocked, a photo or signature stored. */
export const deliveryProofUpdatedEventSchema = deliverySnapshotEvent('delivery.proof_updated');
export const deliveryLocationUpdatedEventSchema = z.object({
  ...envelopeBase,
  type: z.literal('delivery.location_updated'),
  data: positionSchema.extend({ deliveryId: z.uuid(), riderId: riderIdSchema, eta: etaSchema.optional() }),
});
// Issue 18 point 5 (lateness): published once, when the delivery becomes late; data is the snapshot (with lateSince).
type DeliveryLatenessEventType = 'delivery.late';
export const deliveryLateEventSchema = deliverySnapshotEvent('delivery.late');
export type DeliveryLateEvent = z.infer<typeof deliveryLateEventSchema>;

// Issue 18 point 6 (stops): the delivery's place among its rider's stops changed (stopsBefore); data is the snapshot.
type DeliveryStopsEventType = 'delivery.stops_changed';
export const deliveryStopsChangedEventSchema = deliverySnapshotEvent('delivery.stops_changed');
export type DeliveryStopsChangedEvent = z.infer<typeof deliveryStopsChangedEventSchema>;

export type DeliveryCreatedEvent = z.infer<typeof deliveryCreatedEventSchema>;
export type DeliveryAssignedEvent = z.infer<typeof deliveryAssignedEventSchema>;
export type DeliveryStatusChangedEvent = z.infer<typeof deliveryStatusChangedEventSchema>;
export type DeliveryArrivingEvent = z.infer<typeof deliveryArrivingEventSchema>;
export type DeliveryProofUpdatedEvent = z.infer<typeof deliveryProofUpdatedEventSchema>;
export type DeliveryLocationUpdatedEvent = z.infer<typeof deliveryLocationUpdatedEventSchema>;

export const deliveryEventSchema = z.discriminatedUnion('type', [
  deliveryCreatedEventSchema,
  deliveryAssignedEventSchema,
  deliveryStatusChangedEventSchema,
  deliveryArrivingEventSchema,
  deliveryProofUpdatedEventSchema,
  deliveryLocationUpdatedEventSchema,
  deliveryLateEventSchema,
  deliveryStopsChangedEventSchema,
]);
export type DeliveryEvent = z.infer<typeof deliveryEventSchema>;

/** Every event, whichever exchange it travels on. */
export const domainEventSchema = z.discriminatedUnion('type', [
  orderCreatedEventSchema,
  orderStatusChangedEventSchema,
  deliveryCreatedEventSchema,
  deliveryAssignedEventSchema,
  deliveryStatusChangedEventSchema,
  deliveryArrivingEventSchema,
  deliveryProofUpdatedEventSchema,
  deliveryLocationUpdatedEventSchema,
  deliveryLateEventSchema,
  deliveryStopsChangedEventSchema,
]);
export type DomainEvent = z.infer<typeof domainEventSchema>;

/** The exchange an event type, or any routing key under it (`order.status_changed.shipped`), travels on. */
export function exchangeForEvent(typeOrKey: string): ExchangeName {
  return typeOrKey.startsWith('order.') ? EXCHANGES.orders : EXCHANGES.delivery;
}

/**
 * `order.status_changed.<to>` / `delivery.status_changed.<status>`: the extra routing key a status
 * change is published under (as a BCC header, which RabbitMQ routes by and then strips), so a
 * consumer that acts on one or two statuses binds those instead of waking for every change. A
 * queue bound to both keys, or to `order.*`, still gets one copy. Undefined for other events.
 */
export function statusRoutingKey(event: DomainEvent): string | undefined {
  if (event.type === 'order.status_changed') return statusChangedKey.order(event.data.to);
  if (event.type === 'delivery.status_changed') return statusChangedKey.delivery(event.data.status);
  return undefined;
}

export const statusChangedKey = {
  order: (to: OrderStatus) => `order.status_changed.${to}`,
  delivery: (status: DeliveryStatus) => `delivery.status_changed.${status}`,
};
