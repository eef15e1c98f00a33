import type Koa from 'koa';
import { createHttpApp, type ReadinessChecks, type Registry } from '@orderpulse/service-kit';
import { deliveryRoutes } from './routes/delivery-routes.js';
import { riderRoutes, type RiderRouteDeps } from './routes/rider-routes.js';
import { OPEN_ACCESS, type DeliveryRouteGuards } from './routes/route-guards.js';

export interface DeliveryAppDeps extends RiderRouteDeps {
  registry: Registry;
  readiness: ReadinessChecks;
  /** Per-route access checks; routes left out stay open. */
  guards?: Partial<DeliveryRouteGuards>;
  corsOrigins?: string[];
}

/** The deliveries and riders HTTP API on service-kit's scaffold. Does not listen: see service.ts. */
export function createDeliveryApp(deps: DeliveryAppDeps): Koa {
  const { logger, registry, readiness, corsOrigins } = deps;
  const app = createHttpApp({ logger, registry, readiness, ...(corsOrigins ? { corsOrigins } : {}) });
  const guards: DeliveryRouteGuards = { ...OPEN_ACCESS, ...deps.guards };
  for (const router of [deliveryRoutes(deps, guards), riderRoutes(deps, guards)]) {
    app.use(router.routes()).use(router.allowedMethods({ throw: true }));
  }
  return app;
}
