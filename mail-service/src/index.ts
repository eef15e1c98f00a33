export * from './config.js';
export * from './service.js';
export * from './domain/mail-kinds.js';
export * from './domain/mail-triggers.js';
export * from './messaging/mail-events-consumer.js';
