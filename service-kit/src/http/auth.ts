import type { Middleware, ParameterizedContext } from 'koa';
import type { Role, TokenClaims } from '@orderpulse/contracts';
import { InvalidTokenError, type TokenService } from '../auth/tokens.js';
import { ForbiddenError, UnauthorizedError } from './errors.js';

export interface AuthState {
  auth?: TokenClaims;
}

/** The verified claims of the request, or 401 when the request carries no valid bearer token. */
export async function authenticate(ctx: ParameterizedContext, tokens: TokenService): Promise<TokenClaims> {
  const cached = (ctx.state as AuthState).auth;
  if (cached) return cached;
  const header = ctx.get('Authorization');
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
  if (!match?.[1]) throw new UnauthorizedError('send a bearer token: Authorization: Bearer <token>');
  try {
    const claims = await tokens.verify(match[1]);
    (ctx.state as AuthState).auth = claims;
    ctx.state.logContext = { ...((ctx.state as { logContext?: object }).logContext ?? {}), role: claims.role, sub: claims.sub };
    return claims;
  } catch (err) {
    if (err instanceof InvalidTokenError) throw new UnauthorizedError(`${err.message}; sign in again or ask for a new link`);
    throw err;
  }
}

/** Lets the request through when its token has one of `roles` (401 without a token, 403 otherwise). */
export function requireRole(tokens: TokenService, ...roles: Role[]): Middleware {
  return async (ctx, next) => {
    const claims = await authenticate(ctx, tokens);
    if (!roles.includes(claims.role)) throw new ForbiddenError(`this needs a ${roles.join(' or ')} token; yours is a ${claims.role} token`);
    await next();
  };
}

/** True when `claims` may read the order: admins and services always, a customer only its own. */
export function mayReadOrder(claims: TokenClaims, orderId: string): boolean {
  if (claims.role === 'admin' || claims.role === 'service') return true;
  return claims.role === 'customer' && claims.orderId === orderId;
}
