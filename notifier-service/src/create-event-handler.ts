import type { DomainEvent, OrderTrackingMessage } from '@orderpulse/contracts';
import type { Logger } from '@orderpulse/service-kit';
import { BoundedLru } from './bounded-lru.js';
import { PublishedEvents } from './dedupe.js';
import type { OrderProgress } from './handlers/order-event.js';
import type { NotifierMetrics } from './metrics.js';
import type { MqttPublisher } from './mqtt-publisher.js';
import { createDeliveryEventNotifier } from './notify-delivery-event.js';
import { createOrderEventNotifier } from './notify-order-event.js';
import { createRiderAssignmentsRefresher } from './refresh-rider-assignments.js';
import type { RiderAssignmentsSource } from './rider-assignments-client.js';
import { routeEvent } from './route-event.js';
import { createSerialByKey } from './serial-by-key.js';

export interface EventHandlerOptions {
  publisher: MqttPublisher;
  assignments: RiderAssignmentsSource;
  logger: Logger;
  metrics: NotifierMetrics;
  maxPayloadBytes: number;
  dedupeCapacity: number;
  trackingCacheCapacity: number;
}

/**
 * The queue's handler with its memory: dedupe per aggregate (orders by order id, deliveries by
 * delivery id), the last tracking message per order, one serial lane per order shared by both
 * kinds of event, and one per rider for assignment lists.
 */
export function createEventHandler(options: EventHandlerOptions): (event: DomainEvent) => Promise<void> {
  const { publisher, logger, metrics, maxPayloadBytes } = options;
  const perOrder = createSerialByKey();
  return routeEvent({
    order: createOrderEventNotifier({
      publisher,
      published: new PublishedEvents<OrderProgress>(options.dedupeCapacity),
      serial: perOrder,
      logger,
      metrics,
      maxPayloadBytes,
    }),
    delivery: createDeliveryEventNotifier({
      publisher,
      published: new PublishedEvents(options.dedupeCapacity),
      tracking: new BoundedLru<string, OrderTrackingMessage>(options.trackingCacheCapacity),
      refreshRider: createRiderAssignmentsRefresher({ source: options.assignments, publisher, serial: createSerialByKey(), logger, metrics }),
      serial: perOrder,
      logger,
      metrics,
      maxPayloadBytes,
    }),
  });
}
