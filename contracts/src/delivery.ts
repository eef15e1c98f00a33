import { z } from 'zod';
import {
  addressSchema,
  deliveryInstructionsSchema,
  deliveryMethodSchema,
  deliveryWindowSchema,
  isoDateTime,
  latitudeSchema,
  longitudeSchema,
  orderNumberSchema,
} from './order.js';
import { deliveryStatusSchema } from './delivery-status.js';

export const riderIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a rider id of letters, digits, - or _');

/**
 * Made by the rider's device for each report (a UUID), so a report sent again after a lost
 * acknowledgement, or from the device's offline queue after a reload, is applied once.
 */
export const reportIdSchema = z.uuid();

export const riderSchema = z.object({
  id: riderIdSchema,
  name: z.string().trim().min(1).max(100),
  phone: z.string().trim().max(40).optional(),
  createdAt: isoDateTime,
});
export type Rider = z.infer<typeof riderSchema>;

export const positionSchema = z.object({
  lat: latitudeSchema,
  lng: longitudeSchema,
  heading: z.number().min(0).max(360).optional(),
  at: isoDateTime,
});
export type Position = z.infer<typeof positionSchema>;

export const etaSchema = z.object({
  at: isoDateTime,
  minutes: z.number().min(0),
  distanceKm: z.number().min(0),
  /** When the rider position this estimate is based on was reported, so a page can say how fresh it is. */
  basedOnPositionAt: isoDateTime,
});
export type Eta = z.infer<typeof etaSchema>;

export const deliveryHistoryEntrySchema = z.object({
  status: deliveryStatusSchema,
  at: isoDateTime,
  note: z.string().max(500).optional(),
  lat: latitudeSchema.optional(),
  lng: longitudeSchema.optional(),
  /** The rider report that made this entry, when a rider's device sent one with an id. */
  reportId: reportIdSchema.optional(),
});
export type DeliveryHistoryEntry = z.infer<typeof deliveryHistoryEntrySchema>;

/** Proof of delivery a shop can ask for (issue 18 point 3). */
export const PROOF_KINDS = ['pin', 'photo', 'signature', 'none'] as const;
export const proofKindSchema = z.enum(PROOF_KINDS);
export type ProofKind = z.infer<typeof proofKindSchema>;

/** Image types a proof photo or signature may have; checked against the bytes too. */
export const PROOF_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const proofContentTypeSchema = z.enum(PROOF_CONTENT_TYPES);
export const pinSchema = z.string().regex(/^[0-9]{4}$/, 'expected 4 digits');

/** A stored photo or signature: its bytes are fetched from delivery-service by admins and the order's customer. */
export const proofFileSchema = z.object({
  kind: z.enum(['photo', 'signature']),
  contentType: proofContentTypeSchema,
  bytes: z.number().int().min(1),
  at: isoDateTime,
});
export type ProofFile = z.infer<typeof proofFileSchema>;

export const deliveryProofSchema = z.object({
  required: proofKindSchema,
  /** Only when `required` is `pin`: what the customer reads out. Never shown to riders. */
  pin: pinSchema.optional(),
  failedPinAttempts: z.number().int().min(0),
  /** Too many wrong PINs: refused until an admin unlocks it (or marks the delivery delivered). */
  lockedAt: isoDateTime.optional(),
  /** When the required proof was given: the right PIN, or the photo or signature stored. */
  givenAt: isoDateTime.optional(),
  file: proofFileSchema.optional(),
});
export type DeliveryProof = z.infer<typeof deliveryProofSchema>;

export const deliverySnapshotSchema = z.object({
  id: z.uuid(),
  orderId: z.uuid(),
  orderNumber: orderNumberSchema,
  status: deliveryStatusSchema,
  rider: z.object({ id: riderIdSchema, name: z.string() }).nullable(),
  address: addressSchema,
  history: z.array(deliveryHistoryEntrySchema),
  lastPosition: positionSchema.nullable(),
  /** From the last position to the address (needs the address's lat/lng); null when unknown. */
  eta: etaSchema.nullable(),
  failureReason: z.string().max(500).nullable(),
  /**
   * When the rider's reported position first came within the arrival radius of the address
   * (delivery-service's ARRIVAL_RADIUS_M); recorded once per delivery and never cleared. Absent before.
   */
  arrivingAt: isoDateTime.optional(),
  /** From the order (issue 18 point 4): for the assigned rider and admins only, never on the customer's topics. */
  instructions: deliveryInstructionsSchema.optional(),
  method: deliveryMethodSchema.optional(),
  /** What proof "delivered" needs and how far it got; absent on deliveries made before proofs existed (none needed). */
  proof: deliveryProofSchema.optional(),
  version: z.number().int().min(1),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  // Issue 18 point 5 (lateness): all absent on deliveries made before windows existed.
  /** The window promised to the customer, copied from the order. */
  promisedWindow: deliveryWindowSchema.optional(),
  /** The first ETA known once the parcel was picked up: what punctuality statistics compare the arrival with. */
  etaAtPickup: etaSchema.optional(),
  /** When the delivery was found late (ETA past the window's end, or the window passed); set once, with delivery.late. */
  lateSince: isoDateTime.optional(),
  // Issue 18 point 6: how many of the rider's other open stops come before this one; absent without a rider.
  stopsBefore: z.number().int().min(0).optional(),
  /** The key of the rider's stop order: when the rider was given the delivery, or the order the dispatcher set (smaller first). */
  stopRank: z.number().optional(),
});
export type DeliverySnapshot = z.infer<typeof deliverySnapshotSchema>;
