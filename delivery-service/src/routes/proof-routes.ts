import type Router from '@koa/router';
import { pinSchema } from '@orderpulse/contracts';
import { validate, type AuthState } from '@orderpulse/service-kit';
import { z } from 'zod';
import { DeliveryNotFoundError } from '../domain/delivery-errors.js';
import type { DeliveryUseCaseDeps } from '../domain/delivery-use-case-deps.js';
import { assertProofUploadAllowed, enterPin, forRider, recordProofFile, unlockPin } from '../domain/proof-of-delivery.js';
import { requestBody } from './request-body.js';
import { readProofImage } from './proof-upload.js';
import { deliveryIdParamsSchema } from './request-schemas.js';
import type { DeliveryRouteGuards } from './route-guards.js';

const pinBodySchema = z.object({ pin: pinSchema });
const proofKindParamsSchema = deliveryIdParamsSchema.extend({ kind: z.enum(['photo', 'signature']) });

/** The rider entering or uploading, when a rider's token made the request (an admin's has none). */
function riderOf(ctx: { state: unknown }): string | undefined {
  const claims = (ctx.state as AuthState).auth;
  return claims?.role === 'rider' ? claims.riderId : undefined;
}

/**
 * Proof of delivery over HTTP with the rider's token (issue 18 point 3): the PIN
 * (`POST /deliveries/:id/proof/pin {pin}`: 400 `wrong_pin` with the attempts left, 409
 * `pin_locked`), an admin's unlock, a photo or signature as the request body
 * (`POST /deliveries/:id/proof/photo|signature`, image/jpeg|png|webp up to PROOF_MAX_BYTES), and
 * the stored image for admins and the order's customer (`GET /deliveries/:id/proof/file`).
 * Answers with the delivery as the caller may see it (riders never get the PIN).
 */
export function addProofRoutes(router: Router, deps: DeliveryUseCaseDeps & { proofMaxBytes: number }, guards: DeliveryRouteGuards): void {
  const view = (ctx: { state: unknown }, delivery: Parameters<typeof forRider>[0]) => (riderOf(ctx) ? forRider(delivery) : delivery);

  router.post('/:id/proof/pin', guards.getDelivery, async (ctx) => {
    const { id } = validate(deliveryIdParamsSchema, ctx.params, 'path');
    const riderId = riderOf(ctx);
    const logContext: Record<string, unknown> = { deliveryId: id, riderId };
    ctx.state.logContext = logContext;
    const { pin } = validate(pinBodySchema, requestBody(ctx));
    const { delivery } = await enterPin(deps, { deliveryId: id, pin, ...(riderId ? { riderId } : {}) });
    logContext.orderId = delivery.orderId;
    ctx.body = view(ctx, delivery);
  });

  router.post('/:id/proof/unlock', guards.unlockProof, async (ctx) => {
    const { id } = validate(deliveryIdParamsSchema, ctx.params, 'path');
    ctx.state.logContext = { deliveryId: id };
    ctx.body = (await unlockPin(deps, id)).delivery;
  });

  router.post('/:id/proof/:kind', guards.getDelivery, async (ctx) => {
    const { id, kind } = validate(proofKindParamsSchema, ctx.params, 'path');
    const riderId = riderOf(ctx);
    const logContext: Record<string, unknown> = { deliveryId: id, riderId };
    ctx.state.logContext = logContext;
    // Who, which kind and when are checked before the body is read.
    await assertProofUploadAllowed(deps, { deliveryId: id, kind, ...(riderId ? { riderId } : {}) });
    const file = await readProofImage(ctx, deps.proofMaxBytes);
    const { delivery } = await recordProofFile(deps, { deliveryId: id, kind, file, ...(riderId ? { riderId } : {}) });
    logContext.orderId = delivery.orderId;
    ctx.status = 201;
    ctx.body = view(ctx, delivery);
  });

  router.get('/:id/proof/file', guards.readProofFile, async (ctx) => {
    const { id } = validate(deliveryIdParamsSchema, ctx.params, 'path');
    ctx.state.logContext = { deliveryId: id };
    const file = await deps.proofFiles.get(id);
    if (!file) throw new DeliveryNotFoundError(`${id}'s proof file`);
    ctx.set('Cache-Control', 'private, no-store');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.type = file.contentType;
    ctx.body = file.bytes;
  });
}
