import Router from '@koa/router';
import type { OrderAccess } from '../auth/order-access.js';
import { feedbackSummary } from '../domain/rate-order.js';
import type { OrderUseCaseDeps } from '../domain/order-use-case-deps.js';

/** Issue 18 point 7: `GET /feedback` (admin): the average rating, how many of each, the newest ones. */
export function feedbackRoutes(deps: OrderUseCaseDeps, access: OrderAccess): Router {
  const router = new Router({ prefix: '/feedback' });
  router.get('/', access.guards.readFeedback, async (ctx) => {
    ctx.body = await feedbackSummary(deps);
  });
  return router;
}
