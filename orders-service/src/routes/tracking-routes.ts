import Router from '@koa/router';
import type { OrderSnapshot } from '@orderpulse/contracts';
import { validate } from '@orderpulse/service-kit';
import { lookUpTracking } from '../domain/look-up-tracking.js';
import type { OrderUseCaseDeps } from '../domain/order-use-case-deps.js';
import { requestBody } from './request-body.js';
import { trackingLookupBodySchema } from './request-schemas.js';
import type { OrderAccess } from '../auth/order-access.js';

/** What a customer gets for a successful lookup: enough to open the tracking page again. */
async function trackingAccess(order: OrderSnapshot, access: OrderAccess) {
  return { orderId: order.id, orderNumber: order.orderNumber, trackingToken: await access.trackingToken(order.id) };
}

export function trackingRoutes(deps: Pick<OrderUseCaseDeps, 'repository'>, access: OrderAccess): Router {
  const router = new Router({ prefix: '/tracking' });

  router.post('/lookup', access.guards.lookUpTracking, async (ctx) => {
    const lookup = validate(trackingLookupBodySchema, requestBody(ctx));
    const order = await lookUpTracking(deps, lookup);
    ctx.state.logContext = { orderId: order.id };
    ctx.body = await trackingAccess(order, access);
  });

  return router;
}
