import type Koa from 'koa';
import {
  createHttpApp,
  DEFAULT_HOPS_PER_ORDER,
  hopHistoryRoutes,
  type ConfirmReceipts,
  type ReadinessChecks,
  type Registry,
  type TokenService,
} from '@orderpulse/service-kit';
import { deliveryRoutes } from './routes/delivery-routes.js';
import { riderRoutes, type RiderRouteDeps } from './routes/rider-routes.js';
import { statsRoutes } from './routes/stats-routes.js';
import { createDeliveryGuards } from './auth/delivery-guards.js';
import { trackRoutes } from './routes/track-routes.js';
import { receiptsRoutes } from './routes/receipts-routes.js';
import type { TrackRetention } from './track/position-history.js';

export interface DeliveryAppDeps extends RiderRouteDeps {
  /** Signs rider tokens and checks every bearer token. */
  tokens: TokenService;
  registry: Registry;
  readiness: ReadinessChecks;
  corsOrigins?: string[];
  /** Largest proof photo or signature accepted (PROOF_MAX_BYTES). */
  proofMaxBytes: number;
  /** What the replay history keeps (reported by GET /deliveries/:id/track). */
  trackRetention: TrackRetention;
  /** CUSTOMER_TRACK_AFTER_DELIVERY. */
  customerTrackAfterDelivery: boolean;
  /** Issue 17 point 1: when RabbitMQ confirmed the recent events (GET /receipts/:orderId). */
  confirmReceipts?: ConfirmReceipts;
}

/** The deliveries and riders HTTP API on service-kit's scaffold. Does not listen: see service.ts. */
export function createDeliveryApp(deps: DeliveryAppDeps): Koa {
  const { logger, registry, readiness, corsOrigins } = deps;
  const app = createHttpApp({ logger, registry, readiness, ...(corsOrigins ? { corsOrigins } : {}) });
  const guards = createDeliveryGuards(deps.tokens, deps);
  for (const router of [
    deliveryRoutes(deps, guards),
    trackRoutes(deps),
    riderRoutes(deps, guards),
    statsRoutes(deps, guards),
    receiptsRoutes(deps.confirmReceipts, guards.hopReceipts),
    hopHistoryRoutes(
      {
        hops: deps.hops,
        knowsOrder: async (orderId) => (await deps.store.orders.find(orderId)) !== null,
        kept: { maxPerOrder: DEFAULT_HOPS_PER_ORDER, retentionDays: deps.trackRetention.retentionDays },
      },
      guards.hopReceipts,
    ),
  ]) {
    app.use(router.routes()).use(router.allowedMethods({ throw: true }));
  }
  return app;
}
