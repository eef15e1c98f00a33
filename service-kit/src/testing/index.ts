export * from './wait-for.js';
export * from './probe.js';
export * from './dependencies.js';
export * from './amqp-cleanup.js';
export * from './json-client.js';
export * from './capture-logger.js';
export * from './redis.js';
export * from './ferretdb.js';
