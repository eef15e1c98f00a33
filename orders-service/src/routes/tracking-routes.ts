import Router from '@koa/router';
import type { OrderSnapshot } from '@orderpulse/contracts';
import { validate } from '@orderpulse/service-kit';
import { lookUpTracking } from '../domain/look-up-tracking.js';
import type { OrderUseCaseDeps } from '../domain/order-use-case-deps.js';
import { requestBody } from './request-body.js';
import { trackingLookupBodySchema } from './request-schemas.js';
import type { OrderRouteGuards } from './route-guards.js';

/**
 * What a customer gets for a successful lookup. The security issue adds the order's
 * `trackingToken` here (and to the POST /orders response), from a token issuer passed in.
 */
function trackingAccess(order: OrderSnapshot) {
  return { orderId: order.id, orderNumber: order.orderNumber };
}

export function trackingRoutes(deps: Pick<OrderUseCaseDeps, 'repository'>, guards: OrderRouteGuards): Router {
  const router = new Router({ prefix: '/tracking' });

  router.post('/lookup', guards.lookUpTracking, async (ctx) => {
    const lookup = validate(trackingLookupBodySchema, requestBody(ctx));
    const order = await lookUpTracking(deps, lookup);
    ctx.state.logContext = { orderId: order.id };
    ctx.body = trackingAccess(order);
  });

  return router;
}
