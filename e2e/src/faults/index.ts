export * from './stream-driver.js';
export * from './order-subscribers.js';
