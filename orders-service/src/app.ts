import type Koa from 'koa';
import { createHttpApp, DEFAULT_HOPS_PER_ORDER, hopHistoryRoutes, type ConfirmReceipts, type ReadinessChecks, type Registry } from '@orderpulse/service-kit';
import type { OrderUseCaseDeps } from './domain/order-use-case-deps.js';
import type { OrderAccess } from './auth/order-access.js';
import type { AttemptGuards } from './auth/attempt-limiters.js';
import { authRoutes } from './routes/auth-routes.js';
import { feedbackRoutes } from './routes/feedback-routes.js';
import { orderRoutes } from './routes/order-routes.js';
import { trackingRoutes } from './routes/tracking-routes.js';
import { receiptsRoutes } from './routes/receipts-routes.js';

export interface OrdersAppDeps extends OrderUseCaseDeps {
  registry: Registry;
  readiness: ReadinessChecks;
  access: OrderAccess;
  corsOrigins?: string[];
  /** Brute-force brakes on POST /auth/login and POST /tracking/lookup (config: LOGIN_*, TRACKING_LOOKUP_*; see openAttemptGuards). */
  attemptGuards: AttemptGuards;
  /** X-Forwarded-For is trusted only with this > 0 (config: TRUST_PROXY_HOPS). */
  trustProxyHops?: number;
  /** Issue 17 point 1: when RabbitMQ confirmed the recent events (GET /receipts/:orderId). */
  confirmReceipts?: ConfirmReceipts;
  /** Issue 17 point 4: days the confirm times are kept (GET /hop-history/:orderId reports it). */
  hopRetentionDays: number;
}

/** The orders HTTP API on service-kit's scaffold. Does not listen: see service.ts. */
export function createOrdersApp(deps: OrdersAppDeps): Koa {
  const { logger, registry, readiness, corsOrigins, trustProxyHops, access, attemptGuards } = deps;
  const app = createHttpApp({ logger, registry, readiness, ...(corsOrigins ? { corsOrigins } : {}), ...(trustProxyHops ? { trustProxyHops } : {}) });
  const routers = [
    authRoutes(access, logger, attemptGuards.login),
    orderRoutes(deps, access),
    trackingRoutes(deps, access, attemptGuards.trackingLookup),
    feedbackRoutes(deps, access),
    receiptsRoutes(deps.confirmReceipts, access.guards.hopReceipts),
    hopHistoryRoutes(
      {
        hops: deps.repository.hops,
        knowsOrder: async (orderId) => (await deps.repository.findOrder(orderId)) !== null,
        kept: { maxPerOrder: DEFAULT_HOPS_PER_ORDER, retentionDays: deps.hopRetentionDays },
      },
      access.guards.hopReceipts,
    ),
  ];
  for (const router of routers) {
    app.use(router.routes()).use(router.allowedMethods({ throw: true }));
  }
  return app;
}
