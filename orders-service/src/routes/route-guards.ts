import type { RouterMiddleware } from '@koa/router';

/** One access check per route, run before its handler (see auth/order-access.ts for who may do what). */
export interface OrderRouteGuards {
  createOrder: RouterMiddleware;
  listOrders: RouterMiddleware;
  getOrder: RouterMiddleware;
  changeOrderStatus: RouterMiddleware;
  lookUpTracking: RouterMiddleware;
  /** Issue 18 point 7: only the order's customer rates it; admins read the ratings. */
  rateOrder: RouterMiddleware;
  readFeedback: RouterMiddleware;
  /** Issue 17 point 1: when RabbitMQ confirmed an order's recent events (admins). */
  hopReceipts: RouterMiddleware;
}
