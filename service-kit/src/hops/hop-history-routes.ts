import Router, { type RouterMiddleware } from '@koa/router';
import { z } from 'zod';
import { DomainError } from '../errors/domain-error.js';
import { validate } from '../http/validate.js';
import type { HopHistory } from './hop-history.js';

const hopHistoryParamsSchema = z.object({ orderId: z.uuid() });

export interface HopHistoryRouteDeps {
  hops?: HopHistory | undefined;
  /** Whether the service knows the order (an order with no hop kept yet is not a 404). */
  knowsOrder(orderId: string): Promise<boolean>;
  kept: { maxPerOrder: number; retentionDays: number };
}

/**
 * Issue 17 point 4: `GET /hop-history/:orderId` (behind `guard`: admins): the hop times this
 * service kept for the order's replay. orders-service keeps when RabbitMQ confirmed its events;
 * delivery-service its own events' confirms and every change's broker and device receipts.
 */
export function hopHistoryRoutes(deps: HopHistoryRouteDeps, guard: RouterMiddleware): Router {
  const router = new Router({ prefix: '/hop-history' });
  router.get('/:orderId', guard, async (ctx) => {
    const { orderId } = validate(hopHistoryParamsSchema, ctx.params, 'path');
    ctx.state.logContext = { orderId };
    const rows = deps.hops ? await deps.hops.list(orderId) : [];
    if (rows.length === 0 && !(await deps.knowsOrder(orderId))) throw new DomainError('not_found', `order ${orderId} not found`);
    ctx.body = { orderId, rows, kept: deps.kept };
  });
  return router;
}
