import type Koa from 'koa';
import { createHttpApp, type ReadinessChecks, type Registry } from '@orderpulse/service-kit';
import { unsubscribeRoutes, type UnsubscribeRouteDeps } from './routes/unsubscribe-routes.js';

export interface MailAppDeps extends UnsubscribeRouteDeps {
  registry: Registry;
  readiness: ReadinessChecks;
  /** X-Forwarded-For is trusted only with this > 0 (config: TRUST_PROXY_HOPS). */
  trustProxyHops?: number;
}

/** /unsubscribe, /healthz and /readyz on service-kit's scaffold. Does not listen: see service.ts. */
export function createMailApp(deps: MailAppDeps): Koa {
  const { logger, registry, readiness, trustProxyHops } = deps;
  const app = createHttpApp({ logger, registry, readiness, ...(trustProxyHops ? { trustProxyHops } : {}) });
  const router = unsubscribeRoutes(deps);
  app.use(router.routes()).use(router.allowedMethods({ throw: true }));
  return app;
}
