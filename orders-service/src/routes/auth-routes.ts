import Router from '@koa/router';
import { UnauthorizedError, validate, type Logger } from '@orderpulse/service-kit';
import type { OrderAccess } from '../auth/order-access.js';
import { requestBody } from './request-body.js';
import { loginBodySchema } from './request-schemas.js';

export function authRoutes(access: OrderAccess, logger: Logger): Router {
  const router = new Router({ prefix: '/auth' });

  router.post('/login', async (ctx) => {
    const { username, password } = validate(loginBodySchema, requestBody(ctx));
    const issued = await access.logIn(username, password);
    if (!issued) {
      logger.warn({ username, ip: ctx.ip }, 'admin login refused');
      throw new UnauthorizedError('wrong username or password');
    }
    ctx.body = { ...issued, role: 'admin' };
  });

  return router;
}
