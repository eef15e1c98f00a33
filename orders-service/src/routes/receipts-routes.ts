import Router, { type RouterMiddleware } from '@koa/router';
import { validate, type ConfirmReceipts } from '@orderpulse/service-kit';
import { z } from 'zod';

const receiptsParamsSchema = z.object({ orderId: z.uuid() });

/**
 * Issue 17 point 1: `GET /receipts/:orderId` (admins): when RabbitMQ confirmed each recent event
 * of the order this instance published (the outbox relay's bounded memory, nothing stored).
 */
export function receiptsRoutes(receipts: ConfirmReceipts | undefined, guard: RouterMiddleware): Router {
  const router = new Router({ prefix: '/receipts' });
  router.get('/:orderId', guard, (ctx) => {
    const { orderId } = validate(receiptsParamsSchema, ctx.params, 'path');
    ctx.state.logContext = { orderId };
    ctx.body = { orderId, receipts: receipts?.of(orderId) ?? [] };
  });
  return router;
}
