export { startWebClient, type StartedWebClient, type StartWebClientOptions } from './start-web-client.js';
export { loadWebClientConfig, toClientConfig, webClientConfigShape, type WebClientConfig, type ClientConfigBody } from './config.js';
export { createWebClientApp, type WebClientAppOptions } from './web-client-app.js';
export { BROWSER_APPS, type BrowserApp } from './browser-apps.js';
export { AssetsMissingError, defaultPublicDir } from './assets.js';
