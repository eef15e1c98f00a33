import type { RouterMiddleware } from '@koa/router';

/**
 * One access check per route, run before its handler. Authentication arrives in a later issue:
 * it supplies role guards here (admin for listing and status changes, the customer's token for
 * reading one order, ...). Until then every route is open.
 */
export interface OrderRouteGuards {
  createOrder: RouterMiddleware;
  listOrders: RouterMiddleware;
  getOrder: RouterMiddleware;
  changeOrderStatus: RouterMiddleware;
  lookUpTracking: RouterMiddleware;
}

const openAccess: RouterMiddleware = (_ctx, next) => next();

export const OPEN_ACCESS: OrderRouteGuards = {
  createOrder: openAccess,
  listOrders: openAccess,
  getOrder: openAccess,
  changeOrderStatus: openAccess,
  lookUpTracking: openAccess,
};
