export * from './histogram.js';
export * from './open-loop.js';
export * from './proc-stats.js';
export * from './local-addresses.js';
export * from './results.js';
export * from './svg.js';
export * from './child-generators.js';
export * from './median.js';
