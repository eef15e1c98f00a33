import type { RouterMiddleware } from '@koa/router';
import type { TokenClaims } from '@orderpulse/contracts';
import { authenticate, ForbiddenError, requireRole, type TokenService } from '@orderpulse/service-kit';
import type { DeliveryUseCaseDeps } from '../domain/delivery-use-case-deps.js';
import { getDelivery } from '../domain/query-deliveries.js';
import type { DeliveryRouteGuards } from '../routes/route-guards.js';

const isStaff = (claims: TokenClaims) => claims.role === 'admin' || claims.role === 'service';

/**
 * Admins (and services) may do everything; a rider may read only its own deliveries and
 * assignments, and give their proof; customers follow their order through orders-service and
 * MQTT, and come here only for the proof photo or signature of their own order's delivery.
 */
export function createDeliveryGuards(tokens: TokenService, deps: Pick<DeliveryUseCaseDeps, 'store'>): DeliveryRouteGuards {
  const adminOnly = requireRole(tokens, 'admin');

  const listDeliveries: RouterMiddleware = async (ctx, next) => {
    const claims = await authenticate(ctx, tokens);
    if (!isStaff(claims)) {
      if (claims.role !== 'rider') throw new ForbiddenError('deliveries are for admins and their riders');
      const asked = ctx.query.riderId;
      if (asked !== undefined && asked !== claims.riderId) throw new ForbiddenError('a rider may list only its own deliveries');
      ctx.query = { ...ctx.query, riderId: claims.riderId };
    }
    await next();
  };

  const getOwnDelivery: RouterMiddleware = async (ctx, next) => {
    const claims = await authenticate(ctx, tokens);
    if (!isStaff(claims)) {
      if (claims.role !== 'rider') throw new ForbiddenError('deliveries are for admins and their riders');
      const delivery = await getDelivery(deps, String(ctx.params.id)).catch(() => null);
      // Someone else's delivery and an unknown one look the same to a rider.
      if (delivery?.rider?.id !== claims.riderId) throw new ForbiddenError('this delivery is not assigned to you');
    }
    await next();
  };

  const ownAssignments: RouterMiddleware = async (ctx, next) => {
    const claims = await authenticate(ctx, tokens);
    if (!isStaff(claims) && !(claims.role === 'rider' && claims.riderId === ctx.params.id)) {
      throw new ForbiddenError('a rider may read only its own assignments');
    }
    await next();
  };

  const proofViewers: RouterMiddleware = async (ctx, next) => {
    const claims = await authenticate(ctx, tokens);
    if (!isStaff(claims)) {
      const delivery = await getDelivery(deps, String(ctx.params.id)).catch(() => null);
      // Not riders, the one who took it included: once sent, the image is the customer's and the shop's.
      const allowed = claims.role === 'customer' && delivery !== null && delivery.orderId === claims.orderId;
      // Another order's delivery and an unknown one look the same.
      if (!allowed) throw new ForbiddenError("a delivery's proof is shown to admins and to its order's customer only");
    }
    await next();
  };

  return {
    listDeliveries,
    getDelivery: getOwnDelivery,
    assignRider: adminOnly,
    changeDeliveryStatus: adminOnly,
    listRiders: adminOnly,
    registerRider: adminOnly,
    issueRiderToken: adminOnly,
    riderAssignments: ownAssignments,
    unlockProof: adminOnly,
    readProofFile: proofViewers,
    punctuality: adminOnly,
    setRiderStops: adminOnly,
    hopReceipts: adminOnly,
  };
}
