import Router from '@koa/router';
import { isoDateTime } from '@orderpulse/contracts';
import { DomainError, validate } from '@orderpulse/service-kit';
import { z } from 'zod';
import type { DeliveryUseCaseDeps } from '../domain/delivery-use-case-deps.js';
import { punctualityReport } from '../domain/punctuality.js';
import type { DeliveryRouteGuards } from './route-guards.js';

const DAY_MS = 86_400_000;
/** The longest period one report covers. */
export const MAX_PERIOD_DAYS = 366;
const DEFAULT_PERIOD_DAYS = 7;

export const punctualityQuerySchema = z
  .object({ from: isoDateTime.optional(), to: isoDateTime.optional() })
  .refine((q) => !q.from || !q.to || Date.parse(q.to) > Date.parse(q.from), { message: 'to must be after from', path: ['to'] })
  .refine((q) => !q.from || !q.to || Date.parse(q.to) - Date.parse(q.from) <= MAX_PERIOD_DAYS * DAY_MS, {
    message: `the period may cover at most ${MAX_PERIOD_DAYS} days`,
    path: ['from'],
  });

/** Issue 18 point 5: `GET /stats/punctuality?from&to` (admin): on-time rate and ETA accuracy of the deliveries handed over in [from, to); the last 7 days by default. */
export function statsRoutes(deps: DeliveryUseCaseDeps, guards: DeliveryRouteGuards): Router {
  const router = new Router({ prefix: '/stats' });
  router.get('/punctuality', guards.punctuality, async (ctx) => {
    const query = validate(punctualityQuerySchema, ctx.query, 'query');
    const to = query.to ? new Date(query.to) : deps.clock();
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_PERIOD_DAYS * DAY_MS);
    if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS || to <= from) {
      throw new DomainError('invalid', `from must be before to, at most ${MAX_PERIOD_DAYS} days apart`, {
        details: { from: from.toISOString(), to: to.toISOString() },
      });
    }
    ctx.body = await punctualityReport(deps, from, to);
  });
  return router;
}
