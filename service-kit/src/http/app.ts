import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import { Histogram, type Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import { HttpError } from './errors.js';
import { errorResponseOf } from './error-response.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type ReadinessChecks = () => Record<string, boolean>;

export interface HttpAppOptions {
  logger: Logger;
  registry: Registry;
  readiness: ReadinessChecks;
  /** Allowed browser origins for CORS; `*` allows any. Empty: no CORS headers. */
  corsOrigins?: string[];
  /**
   * Reverse proxies in front of the service that append the client's address to X-Forwarded-For.
   * 0 (the default): the header is ignored and `ctx.ip` is the socket's peer, since any client can
   * send the header. n: `ctx.ip` is the n-th address from the right of X-Forwarded-For, the one
   * the outermost trusted proxy saw (anything further left was sent by the client).
   */
  trustProxyHops?: number;
}

/**
 * The scaffold every service shares: request logging and latency, typed errors → JSON (domain
 * errors by kind, see HTTP_STATUS_BY_KIND; HttpErrors by their status),
 * JSON bodies, `/healthz`, `/readyz`. Routes are mounted by the caller. `/metrics` is not served
 * here, on the public port, but by listenMetrics on METRICS_PORT.
 */
export function createHttpApp(options: HttpAppOptions): Koa {
  const { logger, registry, readiness } = options;
  const app = new Koa();
  const hops = options.trustProxyHops ?? 0;
  if (!Number.isInteger(hops) || hops < 0) throw new RangeError(`trustProxyHops must be a whole number >= 0, not ${hops}`);
  app.proxy = hops > 0;
  app.maxIpsCount = hops;
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  app.use(async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } catch (err) {
      const response = errorResponseOf(err);
      const status = response?.status ?? statusOf(err);
      ctx.status = status;
      if (response) {
        ctx.set(response.headers);
        ctx.body = response.body;
      } else if (status < 500) {
        ctx.body = { error: { code: 'bad_request', message: (err as Error).message } };
      } else {
        logger.error({ err, method: ctx.method, path: ctx.path }, 'unhandled error in request');
        ctx.body = { error: { code: 'internal', message: 'internal error; the details are in the service log' } };
      }
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      duration.observe({ method: ctx.method, route, status: String(ctx.status) }, seconds);
      // Writes are worth a line each (they start the trail of an update); reads would drown the log.
      const level = ctx.status >= 500 ? 'error' : ctx.status >= 400 || !READ_METHODS.has(ctx.method) ? 'info' : 'debug';
      logger[level]({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(seconds * 1e4) / 10, ...(ctx.state.logContext ?? {}) }, 'request');
    }
  });

  if (options.corsOrigins?.length) {
    const origins = options.corsOrigins;
    app.use(async (ctx, next) => {
      const origin = ctx.get('Origin');
      if (origin && (origins.includes('*') || origins.includes(origin))) {
        ctx.set('Access-Control-Allow-Origin', origins.includes('*') ? '*' : origin);
        ctx.set('Vary', 'Origin');
        ctx.set('Access-Control-Allow-Headers', 'Authorization, Content-Type');
        ctx.set('Access-Control-Allow-Methods', 'GET, POST, PATCH, OPTIONS');
        if (ctx.method === 'OPTIONS') {
          ctx.status = 204;
          return;
        }
      }
      await next();
    });
  }

  app.use(async (ctx, next) => {
    if (ctx.method !== 'GET') return void (await next());
    if (ctx.path === '/healthz') {
      ctx.body = { status: 'ok' };
      return;
    }
    if (ctx.path === '/readyz') {
      const checks = readiness();
      const ready = Object.values(checks).every(Boolean);
      ctx.status = ready ? 200 : 503;
      ctx.body = { status: ready ? 'ready' : 'not ready', checks };
      return;
    }
    await next();
  });

  app.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: '64kb',
      onError: (err) => {
        throw new HttpError(400, 'bad_request', `request body is not valid JSON: ${err.message}`);
      },
    }),
  );

  app.use(async (ctx, next) => {
    await next();
    if (ctx.status === 404 && ctx.body === undefined) {
      ctx.status = 404;
      ctx.body = { error: { code: 'not_found', message: `no route for ${ctx.method} ${ctx.path}` } };
    }
  });

  return app;
}

function statusOf(err: unknown): number {
  const status = (err as { status?: unknown; statusCode?: unknown })?.status ?? (err as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}
