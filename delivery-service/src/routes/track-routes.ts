import Router from '@koa/router';
import { authenticate, ForbiddenError, validate, type TokenService } from '@orderpulse/service-kit';
import { getDelivery } from '../domain/query-deliveries.js';
import { getDeliveryTrack, type TrackDeps } from '../track/get-delivery-track.js';
import { deliveryIdParamsSchema } from './request-schemas.js';

export interface TrackRouteDeps extends TrackDeps {
  tokens: TokenService;
  /** CUSTOMER_TRACK_AFTER_DELIVERY: the customer may fetch their own delivered order's path. */
  customerTrackAfterDelivery: boolean;
}

/**
 * GET /deliveries/:id/track: the statuses and the rider's kept path, for the console's replay.
 * Admins (and services) only; with CUSTOMER_TRACK_AFTER_DELIVERY on, also the order's customer
 * once the delivery is delivered (never while the rider is on the road or after a failure).
 * Riders: 403, even for their own delivery (the path is history, not their work).
 */
export function trackRoutes(deps: TrackRouteDeps): Router {
  const router = new Router({ prefix: '/deliveries' });

  router.get('/:id/track', async (ctx) => {
    const claims = await authenticate(ctx, deps.tokens);
    const { id } = validate(deliveryIdParamsSchema, ctx.params, 'path');
    ctx.state.logContext = { deliveryId: id };
    if (claims.role === 'admin' || claims.role === 'service') {
      ctx.body = await getDeliveryTrack(deps, id);
      return;
    }
    if (claims.role !== 'customer') throw new ForbiddenError("a delivery's ridden path is for admins");
    if (!deps.customerTrackAfterDelivery) throw new ForbiddenError("a delivery's ridden path is not shown to customers here");
    // Someone else's delivery and an unknown one look the same to a customer.
    const delivery = await getDelivery(deps, id).catch(() => null);
    if (!delivery || delivery.orderId !== claims.orderId) throw new ForbiddenError('this delivery is not for your order');
    if (delivery.status !== 'delivered') throw new ForbiddenError('the path is shown once the order is delivered');
    ctx.body = await getDeliveryTrack(deps, id, delivery);
  });

  return router;
}
