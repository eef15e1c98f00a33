export * from './test-certificates.js';
export * from './tls-proxy.js';
export * from './https-request.js';
