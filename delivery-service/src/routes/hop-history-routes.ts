import Router, { type RouterMiddleware } from '@koa/router';
import { validate, type HopHistory } from '@orderpulse/service-kit';
import { z } from 'zod';
import type { OrderDirectory } from '../data-access/delivery-store.js';
import { getHopHistory } from '../hops/hop-history.js';

const hopHistoryParamsSchema = z.object({ orderId: z.uuid() });

export interface HopHistoryRouteDeps {
  hops?: HopHistory | undefined;
  store: { orders: Pick<OrderDirectory, 'find'> };
  hopRetention: { maxPerOrder: number; retentionDays: number };
}

/**
 * Issue 17 point 4: `GET /hop-history/:orderId` (admins): the order's per-hop times kept for its
 * replay (written, confirmed, broker, device), with the same retention as the rider positions.
 */
export function hopHistoryRoutes(deps: HopHistoryRouteDeps, guard: RouterMiddleware): Router {
  const router = new Router({ prefix: '/hop-history' });
  router.get('/:orderId', guard, async (ctx) => {
    const { orderId } = validate(hopHistoryParamsSchema, ctx.params, 'path');
    ctx.state.logContext = { orderId };
    ctx.body = await getHopHistory(deps, orderId);
  });
  return router;
}
