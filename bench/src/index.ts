export * from './percentiles.js';
export * from './lib/index.js';
// Both modules define LatencySummary; the lib one (with p999) is a superset of the old one.
export type { LatencySummary } from './lib/index.js';
