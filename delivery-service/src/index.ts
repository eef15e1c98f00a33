export { loadDeliveryConfig, deliveryConfigShape, type DeliveryConfig } from './config.js';
export { startDeliveryService, type DeliveryServiceOverrides, type RunningDeliveryService } from './service.js';
export type { DeliveryStore } from './data-access/delivery-store.js';
export { createInMemoryDeliveryStore } from './data-access/in-memory-delivery-store.js';
export { RIDER_REPORT_TOPICS, type RiderIngest } from './ingest/rider-ingest.js';
export type { RiderMessageOutcome } from './ingest/rider-message-handler.js';
export { ORDER_EVENTS_QUEUE } from './messaging/order-events-consumer.js';
