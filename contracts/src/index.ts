export * from './order-status.js';
export * from './order.js';
export * from './events.js';
export * from './topics.js';
export * from './mqtt-messages.js';
