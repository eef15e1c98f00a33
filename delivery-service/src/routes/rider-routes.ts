import Router from '@koa/router';
import { validate } from '@orderpulse/service-kit';
import { issueRiderToken, type RiderTokenDeps } from '../domain/issue-rider-token.js';
import type { DeliveryUseCaseDeps } from '../domain/delivery-use-case-deps.js';
import { getRider, registerRider, riderAssignments } from '../domain/riders.js';
import { riderStops, setRiderStops } from '../domain/rider-stops.js';
import { requestBody } from './request-body.js';
import { newRiderBodySchema, riderIdParamsSchema, riderStopsBodySchema } from './request-schemas.js';
import type { DeliveryRouteGuards } from './route-guards.js';

export type RiderRouteDeps = DeliveryUseCaseDeps & Pick<RiderTokenDeps, 'tokens'> & { riderTokenTtlSeconds: number };

export function riderRoutes(deps: RiderRouteDeps, guards: DeliveryRouteGuards): Router {
  const router = new Router({ prefix: '/riders' });

  router.get('/', guards.listRiders, async (ctx) => {
    ctx.body = { items: await deps.store.riders.list() };
  });

  router.post('/', guards.registerRider, async (ctx) => {
    const input = validate(newRiderBodySchema, requestBody(ctx));
    const rider = await registerRider(deps, input);
    ctx.state.logContext = { riderId: rider.id };
    ctx.status = 201;
    ctx.set('Location', `/riders/${rider.id}`);
    ctx.body = rider;
  });

  router.post('/:id/token', guards.issueRiderToken, async (ctx) => {
    const { id } = validate(riderIdParamsSchema, ctx.params, 'path');
    ctx.state.logContext = { riderId: id };
    ctx.status = 201;
    ctx.body = await issueRiderToken({ ...deps, ttlSeconds: deps.riderTokenTtlSeconds }, id);
  });

  router.get('/:id/assignments', guards.riderAssignments, async (ctx) => {
    const { id } = validate(riderIdParamsSchema, ctx.params, 'path');
    ctx.state.logContext = { riderId: id };
    ctx.body = await riderAssignments(deps, id);
  });

  // Issue 18 point 6: the rider's stops in order; the dispatcher may set that order.
  router.get('/:id/stops', guards.riderAssignments, async (ctx) => {
    const { id } = validate(riderIdParamsSchema, ctx.params, 'path');
    ctx.state.logContext = { riderId: id };
    await getRider(deps, id);
    ctx.body = { items: await riderStops(deps, id) };
  });

  router.post('/:id/stops', guards.setRiderStops, async (ctx) => {
    const { id } = validate(riderIdParamsSchema, ctx.params, 'path');
    ctx.state.logContext = { riderId: id };
    const { deliveryIds } = validate(riderStopsBodySchema, requestBody(ctx));
    await getRider(deps, id);
    ctx.body = { items: await setRiderStops(deps, id, deliveryIds) };
  });

  return router;
}
