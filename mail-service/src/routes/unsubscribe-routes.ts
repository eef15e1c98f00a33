import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { BadRequestError, HttpError, InvalidTokenError, UnauthorizedError } from '@orderpulse/service-kit';
import type { MailDeps } from '../domain/mail-deps.js';
import { describeUnsubscribe, unsubscribe } from '../domain/unsubscribe.js';
import type { UnsubscribeTokens } from '../mail/unsubscribe-tokens.js';
import { confirmPage, donePage, errorPage, PAGE_HEADERS } from './unsubscribe-pages.js';

/** An unsubscribe token is ~250 characters; anything much longer is refused before it is parsed. */
export const MAX_TOKEN_LENGTH = 1_024;

export interface UnsubscribeRouteDeps extends Pick<MailDeps, 'store' | 'clock' | 'logger'> {
  tokens: UnsubscribeTokens;
  /** Requests one client address may make per minute, checked first. */
  requestsPerMinute: number;
}

function tokenOf(ctx: Context): string {
  const t = ctx.query.t;
  if (typeof t !== 'string' || !t)
    throw new BadRequestError('query parameter t (the unsubscribe token from the email) is required', [{ field: 't', message: 'required' }]);
  if (t.length > MAX_TOKEN_LENGTH)
    throw new BadRequestError(`query parameter t is longer than ${MAX_TOKEN_LENGTH} characters`, [{ field: 't', message: 'too long' }]);
  return t;
}

async function checked<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof InvalidTokenError) throw new UnauthorizedError(`${err.message}: use the link in your most recent email`);
    throw err;
  }
}

/** A browser gets its error as a page; any other client as service-kit's JSON error. */
async function errorsAsPages(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
  } catch (err) {
    if (!(err instanceof HttpError) || err.status >= 500 || ctx.accepts('json', 'html') !== 'html') throw err;
    ctx.status = err.status;
    if (err.headers) ctx.set(err.headers);
    ctx.set(PAGE_HEADERS);
    ctx.type = 'html';
    ctx.body = errorPage(err.status, err.message);
  }
}

/**
 * GET /unsubscribe?t=… shows what the link would stop and a button; POST /unsubscribe?t=… (the
 * button, or a mail client's one-click unsubscribe, RFC 8058) does it. Each client address gets
 * `requestsPerMinute` requests (429 past it) before the token is even read.
 */
export function unsubscribeRoutes(deps: UnsubscribeRouteDeps): Router {
  const limiter = new RateLimiterMemory({ keyPrefix: 'unsubscribe', points: deps.requestsPerMinute, duration: 60 });
  const router = new Router();
  const limit = async (ctx: Context, next: Next) => {
    try {
      await limiter.consume(ctx.ip);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      throw new HttpError(429, 'too_many_requests', `too many requests from this address; try again in ${seconds} s`, undefined, {
        'Retry-After': String(seconds),
      });
    }
    await next();
  };
  router.use('/unsubscribe', errorsAsPages, limit);
  router.get('/unsubscribe', async (ctx) => {
    const token = tokenOf(ctx);
    const found = await checked(() => describeUnsubscribe(deps, deps.tokens, token));
    ctx.set(PAGE_HEADERS);
    ctx.type = 'html';
    ctx.body = confirmPage(token, found.orderNumber, found.alreadyUnsubscribed);
  });
  router.post('/unsubscribe', async (ctx) => {
    const token = tokenOf(ctx);
    const result = await checked(() => unsubscribe(deps, deps.tokens, token));
    ctx.state.logContext = { orderId: result.orderId };
    ctx.set(PAGE_HEADERS);
    ctx.type = 'html';
    ctx.body = donePage(result.orderNumber);
  });
  return router;
}
