import type { RouterMiddleware } from '@koa/router';

/** One access check per route, run before its handler (see auth/delivery-guards.ts for who may do what). */
export interface DeliveryRouteGuards {
  listDeliveries: RouterMiddleware;
  getDelivery: RouterMiddleware;
  assignRider: RouterMiddleware;
  changeDeliveryStatus: RouterMiddleware;
  listRiders: RouterMiddleware;
  registerRider: RouterMiddleware;
  issueRiderToken: RouterMiddleware;
  riderAssignments: RouterMiddleware;
  unlockProof: RouterMiddleware;
  /** Admins and the order's customer. */
  readProofFile: RouterMiddleware;
  /** Issue 18 point 5: the punctuality statistics (admins). */
  punctuality: RouterMiddleware;
  /** Issue 18 point 6: the dispatcher sets the order of a rider's stops (admins). */
  setRiderStops: RouterMiddleware;
  /** Issue 17 point 1: when RabbitMQ confirmed an order's recent events (admins). */
  hopReceipts: RouterMiddleware;
}
