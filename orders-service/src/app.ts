import type Koa from 'koa';
import { createHttpApp, type ReadinessChecks, type Registry } from '@orderpulse/service-kit';
import type { OrderUseCaseDeps } from './domain/order-use-case-deps.js';
import type { OrderAccess } from './auth/order-access.js';
import { authRoutes } from './routes/auth-routes.js';
import { orderRoutes } from './routes/order-routes.js';
import { trackingRoutes } from './routes/tracking-routes.js';

export interface OrdersAppDeps extends OrderUseCaseDeps {
  registry: Registry;
  readiness: ReadinessChecks;
  access: OrderAccess;
  corsOrigins?: string[];
}

/** The orders HTTP API on service-kit's scaffold. Does not listen: see service.ts. */
export function createOrdersApp(deps: OrdersAppDeps): Koa {
  const { logger, registry, readiness, corsOrigins } = deps;
  const app = createHttpApp({ logger, registry, readiness, ...(corsOrigins ? { corsOrigins } : {}) });
  const { access } = deps;
  for (const router of [authRoutes(access, logger), orderRoutes(deps, access), trackingRoutes(deps, access)]) {
    app.use(router.routes()).use(router.allowedMethods({ throw: true }));
  }
  return app;
}
