import Router from '@koa/router';
import { validate, type AuthState } from '@orderpulse/service-kit';
import { assignRider } from '../domain/assign-rider.js';
import { changeDeliveryStatus } from '../domain/change-delivery-status.js';
import type { DeliveryUseCaseDeps } from '../domain/delivery-use-case-deps.js';
import { getDelivery, listDeliveries } from '../domain/query-deliveries.js';
import { requestBody } from './request-body.js';
import { assignBodySchema, changeStatusBodySchema, deliveryIdParamsSchema, listDeliveriesQuerySchema } from './request-schemas.js';
import type { DeliveryRouteGuards } from './route-guards.js';
import { forRider } from '../domain/proof-of-delivery.js';
import { addProofRoutes } from './proof-routes.js';

/** Riders see their deliveries without the PIN (the customer reads it out to them). */
const isRider = (ctx: { state: unknown }) => (ctx.state as AuthState).auth?.role === 'rider';

export function deliveryRoutes(deps: DeliveryUseCaseDeps & { proofMaxBytes: number }, guards: DeliveryRouteGuards): Router {
  const router = new Router({ prefix: '/deliveries' });

  router.get('/', guards.listDeliveries, async (ctx) => {
    const query = validate(listDeliveriesQuerySchema, ctx.query, 'query');
    const items = await listDeliveries(deps, query);
    ctx.body = { items: isRider(ctx) ? items.map(forRider) : items };
  });

  router.get('/:id', guards.getDelivery, async (ctx) => {
    const { id } = validate(deliveryIdParamsSchema, ctx.params, 'path');
    ctx.state.logContext = { deliveryId: id };
    const delivery = await getDelivery(deps, id);
    ctx.body = isRider(ctx) ? forRider(delivery) : delivery;
  });

  router.post('/:id/assign', guards.assignRider, async (ctx) => {
    const { id } = validate(deliveryIdParamsSchema, ctx.params, 'path');
    const body = validate(assignBodySchema, requestBody(ctx));
    ctx.state.logContext = { deliveryId: id, riderId: body.riderId };
    const { delivery } = await assignRider(deps, { deliveryId: id, ...body });
    ctx.body = delivery;
  });

  router.patch('/:id/status', guards.changeDeliveryStatus, async (ctx) => {
    const { id } = validate(deliveryIdParamsSchema, ctx.params, 'path');
    ctx.state.logContext = { deliveryId: id };
    const body = validate(changeStatusBodySchema, requestBody(ctx));
    const { delivery } = await changeDeliveryStatus(deps, { deliveryId: id, ...body });
    ctx.body = delivery;
  });

  addProofRoutes(router, deps, guards);
  return router;
}
