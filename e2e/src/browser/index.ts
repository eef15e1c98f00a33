export * from './chromium.js';
export * from './browser-session.js';
export * from './waits.js';
export * from './track-page.js';
export * from './admin-console.js';
export * from './rider-app.js';
export * from './tile-server.js';
export * from './axe.js';
