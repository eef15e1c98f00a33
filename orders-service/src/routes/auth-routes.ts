import Router from '@koa/router';
import { TooManyAttemptsError, UnauthorizedError, validate, type FailedAttemptLimiter, type Logger } from '@orderpulse/service-kit';
import type { IssuedToken, OrderAccess } from '../auth/order-access.js';
import { requestBody } from './request-body.js';
import { loginBodySchema } from './request-schemas.js';

/**
 * `failedLogins` counts wrong logins per client address and per username. Once either is over its
 * budget, logins get 429 before the password is looked at, so a locked-out guesser learns nothing,
 * not even when it guessed right.
 */
export function authRoutes(access: OrderAccess, logger: Logger, failedLogins: FailedAttemptLimiter): Router {
  const router = new Router({ prefix: '/auth' });

  router.post('/login', async (ctx) => {
    const { username, password } = validate(loginBodySchema, requestBody(ctx));
    const keys = [`ip:${ctx.ip}`, `user:${username}`];
    const attempt = failedLogins.begin(keys);
    if (!attempt.allowed) {
      const error = new TooManyAttemptsError(attempt.retryAfterMs, 'failed logins');
      logger.warn({ username, ip: ctx.ip, retryAfterSeconds: error.retryAfterSeconds }, 'admin login refused: too many failed logins');
      throw error;
    }
    let issued: IssuedToken | null;
    try {
      issued = await access.logIn(username, password);
    } catch (err) {
      attempt.cancelled();
      throw err;
    }
    if (!issued) {
      attempt.failed();
      logger.warn({ username, ip: ctx.ip }, 'admin login refused');
      throw new UnauthorizedError('wrong username or password');
    }
    attempt.succeeded();
    // The admin has proved who they are: earlier typos from here or for this name no longer count.
    failedLogins.reset(keys);
    ctx.body = { ...issued, role: 'admin' };
  });

  return router;
}
