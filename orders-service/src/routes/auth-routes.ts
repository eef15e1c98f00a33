import Router from '@koa/router';
import { UnauthorizedError, validate, type Logger } from '@orderpulse/service-kit';
import type { AttemptGuard } from '../auth/attempt-limiters.js';
import type { IssuedToken, OrderAccess } from '../auth/order-access.js';
import { requestBody } from './request-body.js';
import { loginBodySchema } from './request-schemas.js';

/**
 * `failedLogins` counts wrong logins per (username, client address), per address and per
 * username. Over a budget, logins get 429 before the password is looked at, so a locked-out
 * guesser learns nothing, not even when it guessed right.
 */
export function authRoutes(access: OrderAccess, logger: Logger, failedLogins: AttemptGuard): Router {
  const router = new Router({ prefix: '/auth' });

  router.post('/login', async (ctx) => {
    const { username, password } = validate(loginBodySchema, requestBody(ctx));
    const party = { subject: username, address: ctx.ip };
    const attempt = await failedLogins.begin(party, { username, ip: ctx.ip });
    let issued: IssuedToken | null;
    try {
      issued = await access.logIn(username, password);
    } catch (err) {
      await attempt.cancelled();
      throw err;
    }
    if (!issued) {
      await attempt.failed();
      logger.warn({ username, ip: ctx.ip }, 'admin login refused');
      throw new UnauthorizedError('wrong username or password');
    }
    await attempt.succeeded();
    // The admin has proved who they are: earlier typos from this address no longer count against it.
    await failedLogins.limiter.forgetPair(party);
    ctx.body = { ...issued, role: 'admin' };
  });

  return router;
}
