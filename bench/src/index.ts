export * from './percentiles.js';
