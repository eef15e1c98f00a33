import type Koa from 'koa';
import { createHttpApp, type Logger, type Registry } from '@orderpulse/service-kit';
import { toClientConfig, type WebClientConfig } from './config.js';
import { createRoutes } from './routes.js';
import { securityHeaders } from './security-headers.js';
import { serveStaticFiles } from './static-files.js';

export interface WebClientAppOptions {
  config: WebClientConfig;
  logger: Logger;
  publicDir: string;
  /** Request latency goes here; listenMetrics serves it on METRICS_PORT. */
  registry: Registry;
}

/** The Koa app without a listener: scaffold, security headers, static bundles, app pages. */
export function createWebClientApp({ config, logger, publicDir, registry }: WebClientAppOptions): Koa {
  const clientConfig = toClientConfig(config);
  const app = createHttpApp({ logger, registry, readiness: () => ({}) });
  const router = createRoutes({ publicDir, clientConfig });
  app.use(securityHeaders(clientConfig));
  app.use(serveStaticFiles({ publicDir, serveSourceMaps: config.SERVE_SOURCE_MAPS }));
  app.use(router.routes());
  return app;
}
