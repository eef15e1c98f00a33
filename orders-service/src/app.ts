import type Koa from 'koa';
import { createHttpApp, type ReadinessChecks, type Registry } from '@orderpulse/service-kit';
import type { OrderUseCaseDeps } from './domain/order-use-case-deps.js';
import { orderRoutes } from './routes/order-routes.js';
import { OPEN_ACCESS, type OrderRouteGuards } from './routes/route-guards.js';
import { trackingRoutes } from './routes/tracking-routes.js';

export interface OrdersAppDeps extends OrderUseCaseDeps {
  registry: Registry;
  readiness: ReadinessChecks;
  /** Per-route access checks; routes left out stay open. */
  guards?: Partial<OrderRouteGuards>;
  corsOrigins?: string[];
}

/** The orders HTTP API on service-kit's scaffold. Does not listen: see service.ts. */
export function createOrdersApp(deps: OrdersAppDeps): Koa {
  const { logger, registry, readiness, corsOrigins } = deps;
  const app = createHttpApp({ logger, registry, readiness, ...(corsOrigins ? { corsOrigins } : {}) });
  const guards: OrderRouteGuards = { ...OPEN_ACCESS, ...deps.guards };
  for (const router of [orderRoutes(deps, guards), trackingRoutes(deps, guards)]) {
    app.use(router.routes()).use(router.allowedMethods({ throw: true }));
  }
  return app;
}
