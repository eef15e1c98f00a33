import Router from '@koa/router';
import { validate, type AuthState } from '@orderpulse/service-kit';
import { changeOrderStatus } from '../domain/change-order-status.js';
import { createOrder } from '../domain/create-order.js';
import { getOrder } from '../domain/get-order.js';
import { listOrders } from '../domain/list-orders.js';
import type { OrderUseCaseDeps } from '../domain/order-use-case-deps.js';
import { encodeCursor } from './order-cursor.js';
import { requestBody } from './request-body.js';
import { rateOrder } from '../domain/rate-order.js';
import { changeStatusBodySchema, createOrderBodySchema, feedbackBodySchema, listOrdersQuerySchema, orderIdParamsSchema } from './request-schemas.js';
import type { OrderAccess } from '../auth/order-access.js';

export function orderRoutes(deps: OrderUseCaseDeps, access: OrderAccess): Router {
  const router = new Router({ prefix: '/orders' });
  const { guards } = access;

  router.post('/', guards.createOrder, async (ctx) => {
    const input = validate(createOrderBodySchema, requestBody(ctx));
    const order = await createOrder(deps, input);
    ctx.state.logContext = { orderId: order.id };
    ctx.status = 201;
    ctx.set('Location', `/orders/${order.id}`);
    ctx.body = { ...order, trackingToken: await access.trackingToken(order.id) };
  });

  router.get('/', guards.listOrders, async (ctx) => {
    const { status, limit, cursor } = validate(listOrdersQuerySchema, ctx.query, 'query');
    const page = await listOrders(deps, { limit, ...(status ? { status } : {}), ...(cursor ? { after: cursor } : {}) });
    ctx.body = { items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null };
  });

  router.get('/:id', guards.getOrder, async (ctx) => {
    const { id } = validate(orderIdParamsSchema, ctx.params, 'path');
    ctx.state.logContext = { orderId: id };
    const order = await getOrder(deps, id);
    // The instructions (a gate code) are for the rider and admins: not for whoever holds the tracking link.
    if ((ctx.state as AuthState).auth?.role === 'customer') {
      const { deliveryInstructions: _forTheRider, ...forCustomer } = order;
      ctx.body = forCustomer;
    } else ctx.body = order;
  });

  router.patch('/:id/status', guards.changeOrderStatus, async (ctx) => {
    const { id } = validate(orderIdParamsSchema, ctx.params, 'path');
    ctx.state.logContext = { orderId: id };
    const change = validate(changeStatusBodySchema, requestBody(ctx));
    ctx.body = await changeOrderStatus(deps, { orderId: id, ...change });
  });

  // Issue 18 point 7: the customer's rating of a delivered order, once.
  router.post('/:id/feedback', guards.rateOrder, async (ctx) => {
    const { id } = validate(orderIdParamsSchema, ctx.params, 'path');
    ctx.state.logContext = { orderId: id };
    const body = validate(feedbackBodySchema, requestBody(ctx));
    ctx.status = 201;
    ctx.body = await rateOrder(deps, { orderId: id, ...body });
  });

  return router;
}
