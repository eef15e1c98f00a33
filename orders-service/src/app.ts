import type Koa from 'koa';
import { createHttpApp, FailedAttemptLimiter, type ReadinessChecks, type Registry } from '@orderpulse/service-kit';
import type { OrderUseCaseDeps } from './domain/order-use-case-deps.js';
import type { OrderAccess } from './auth/order-access.js';
import { authRoutes } from './routes/auth-routes.js';
import { orderRoutes } from './routes/order-routes.js';
import { trackingRoutes } from './routes/tracking-routes.js';

/** Failures one key (client address, username, order number) may have in a window before it gets 429. */
export interface AttemptLimit {
  maxFailures: number;
  windowSeconds: number;
}

export interface OrdersAppDeps extends OrderUseCaseDeps {
  registry: Registry;
  readiness: ReadinessChecks;
  access: OrderAccess;
  corsOrigins?: string[];
  /** Brute-force brakes on POST /auth/login and POST /tracking/lookup (config: LOGIN_*, TRACKING_LOOKUP_*). */
  attemptLimits: { login: AttemptLimit; trackingLookup: AttemptLimit };
  /** X-Forwarded-For is trusted only with this > 0 (config: TRUST_PROXY_HOPS). */
  trustProxyHops?: number;
}

/** The orders HTTP API on service-kit's scaffold. Does not listen: see service.ts. */
export function createOrdersApp(deps: OrdersAppDeps): Koa {
  const { logger, registry, readiness, corsOrigins, trustProxyHops } = deps;
  const app = createHttpApp({ logger, registry, readiness, ...(corsOrigins ? { corsOrigins } : {}), ...(trustProxyHops ? { trustProxyHops } : {}) });
  const { access } = deps;
  // In this process's memory: each instance counts the failures it saw (see FailedAttemptLimiter).
  const limiter = ({ maxFailures, windowSeconds }: AttemptLimit) =>
    new FailedAttemptLimiter({ maxFailures, windowMs: windowSeconds * 1000, now: () => deps.clock().getTime() });
  const routers = [
    authRoutes(access, logger, limiter(deps.attemptLimits.login)),
    orderRoutes(deps, access),
    trackingRoutes(deps, access, limiter(deps.attemptLimits.trackingLookup)),
  ];
  for (const router of routers) {
    app.use(router.routes()).use(router.allowedMethods({ throw: true }));
  }
  return app;
}
