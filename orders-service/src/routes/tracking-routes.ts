import Router from '@koa/router';
import type { OrderSnapshot } from '@orderpulse/contracts';
import { validate } from '@orderpulse/service-kit';
import type { AttemptGuard } from '../auth/attempt-limiters.js';
import { lookUpTracking } from '../domain/look-up-tracking.js';
import { TrackingLookupFailedError } from '../domain/order-errors.js';
import type { OrderUseCaseDeps } from '../domain/order-use-case-deps.js';
import { requestBody } from './request-body.js';
import { trackingLookupBodySchema } from './request-schemas.js';
import type { OrderAccess } from '../auth/order-access.js';

/** What a customer gets for a successful lookup: enough to open the tracking page again. */
async function trackingAccess(order: OrderSnapshot, access: OrderAccess) {
  return { orderId: order.id, orderNumber: order.orderNumber, trackingToken: await access.trackingToken(order.id) };
}

/**
 * `failedLookups` counts lookups that matched no order, per (order number, client address), per
 * address and per order number, and refuses with 429 past a budget before the store is asked. A successful lookup does not
 * count, but does not clear earlier failures either: knowing one's own order must not buy more
 * guesses at other people's.
 */
export function trackingRoutes(deps: Pick<OrderUseCaseDeps, 'repository' | 'logger'>, access: OrderAccess, failedLookups: AttemptGuard): Router {
  const router = new Router({ prefix: '/tracking' });

  router.post('/lookup', access.guards.lookUpTracking, async (ctx) => {
    const lookup = validate(trackingLookupBodySchema, requestBody(ctx));
    const attempt = await failedLookups.begin({ subject: lookup.orderNumber, address: ctx.ip }, { ip: ctx.ip, orderNumber: lookup.orderNumber });
    let order: OrderSnapshot;
    try {
      order = await lookUpTracking(deps, lookup);
    } catch (err) {
      if (err instanceof TrackingLookupFailedError) await attempt.failed();
      else await attempt.cancelled();
      throw err;
    }
    await attempt.succeeded();
    ctx.state.logContext = { orderId: order.id };
    ctx.body = await trackingAccess(order, access);
  });

  return router;
}
