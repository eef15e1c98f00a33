import { z } from 'zod';
import { riderIdSchema } from './delivery.js';

export const ROLES = ['customer', 'rider', 'admin', 'service'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** What a token says about its bearer; the signature and expiry are checked by jose. */
export const tokenClaimsSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('customer'), sub: z.string(), orderId: z.uuid() }),
  // `name` lets the rider's app greet the rider without asking delivery-service.
  z.object({ role: z.literal('rider'), sub: z.string(), riderId: riderIdSchema, name: z.string().max(100).optional() }),
  z.object({ role: z.literal('admin'), sub: z.string() }),
  z.object({ role: z.literal('service'), sub: z.enum(['notifier', 'delivery-service', 'orders-service']) }),
]);
export type TokenClaims = z.infer<typeof tokenClaimsSchema>;
