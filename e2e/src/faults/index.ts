export * from './stream-driver.js';
export * from './order-subscribers.js';
export * from './fault-runner.js';
export * from './fault-system.js';
