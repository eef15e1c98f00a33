export * from './paths.js';
export * from './service-process.js';
export * from './system.js';
export * from './orders-client.js';
export * from './mqtt-recorder.js';
export * from './tokens.js';
export * from './delivery-client.js';
export * from './shipped-order.js';
