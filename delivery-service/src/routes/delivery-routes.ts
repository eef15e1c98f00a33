import Router from '@koa/router';
import { validate } from '@orderpulse/service-kit';
import { assignRider } from '../domain/assign-rider.js';
import { changeDeliveryStatus } from '../domain/change-delivery-status.js';
import type { DeliveryUseCaseDeps } from '../domain/delivery-use-case-deps.js';
import { getDelivery, listDeliveries } from '../domain/query-deliveries.js';
import { requestBody } from './request-body.js';
import { assignBodySchema, changeStatusBodySchema, deliveryIdParamsSchema, listDeliveriesQuerySchema } from './request-schemas.js';
import type { DeliveryRouteGuards } from './route-guards.js';

export function deliveryRoutes(deps: DeliveryUseCaseDeps, guards: DeliveryRouteGuards): Router {
  const router = new Router({ prefix: '/deliveries' });

  router.get('/', guards.listDeliveries, async (ctx) => {
    const query = validate(listDeliveriesQuerySchema, ctx.query, 'query');
    ctx.body = { items: await listDeliveries(deps, query) };
  });

  router.get('/:id', guards.getDelivery, async (ctx) => {
    const { id } = validate(deliveryIdParamsSchema, ctx.params, 'path');
    ctx.state.logContext = { deliveryId: id };
    ctx.body = await getDelivery(deps, id);
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

  return router;
}
