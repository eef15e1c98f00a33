import type { RouterMiddleware } from '@koa/router';
import { authenticate, ForbiddenError, mayReadOrder, requireRole, type TokenService } from '@orderpulse/service-kit';
import type { OrderRouteGuards } from '../routes/route-guards.js';
import { credentialsMatch } from './admin-credentials.js';

export interface IssuedToken {
  token: string;
  expiresAt: string;
}

/** Who may call which route, and the tokens this service hands out. */
export interface OrderAccess {
  guards: OrderRouteGuards;
  /** The customer's token for one order: what a tracking link carries. */
  trackingToken(orderId: string): Promise<string>;
  /** An admin token when the console's credentials match, else null. */
  logIn(username: string, password: string): Promise<IssuedToken | null>;
}

export interface OrderAccessSettings {
  tokens: TokenService;
  admin: { username: string; password: string };
  adminTokenTtlSeconds: number;
  customerTokenTtlSeconds: number;
  now?: () => number;
}

const open: RouterMiddleware = (_ctx, next) => next();

export function createOrderAccess(settings: OrderAccessSettings): OrderAccess {
  const { tokens } = settings;
  const now = settings.now ?? Date.now;
  const readOwnOrder: RouterMiddleware = async (ctx, next) => {
    const claims = await authenticate(ctx, tokens);
    if (!mayReadOrder(claims, String(ctx.params.id))) throw new ForbiddenError('this token is for another order');
    await next();
  };
  const rateOwnOrder: RouterMiddleware = async (ctx, next) => {
    const claims = await authenticate(ctx, tokens);
    if (claims.role !== 'customer') throw new ForbiddenError('only the customer rates a delivery, with the tracking link');
    if (claims.orderId !== String(ctx.params.id)) throw new ForbiddenError('this token is for another order');
    await next();
  };
  return {
    guards: {
      rateOrder: rateOwnOrder,
      readFeedback: requireRole(tokens, 'admin'),
      hopReceipts: requireRole(tokens, 'admin'),
      createOrder: open,
      lookUpTracking: open,
      listOrders: requireRole(tokens, 'admin'),
      changeOrderStatus: requireRole(tokens, 'admin'),
      getOrder: readOwnOrder,
    },
    trackingToken: (orderId) => tokens.sign({ role: 'customer', sub: `customer:${orderId}`, orderId }, settings.customerTokenTtlSeconds),
    async logIn(username, password) {
      if (!credentialsMatch(settings.admin, { username, password })) return null;
      const token = await tokens.sign({ role: 'admin', sub: username }, settings.adminTokenTtlSeconds);
      return { token, expiresAt: new Date(now() + settings.adminTokenTtlSeconds * 1000).toISOString() };
    },
  };
}
